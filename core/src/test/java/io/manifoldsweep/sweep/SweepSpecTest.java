package io.manifoldsweep.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.Sampling;
import io.manifoldsweep.train.CellConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SweepSpecTest {
  private static List<CellSpec> cells(String yaml) {
    return SweepSpec.parse(yaml, "test.yaml").cells();
  }

  @Test
  void listsAreAxesAndTheGridIsTheirProduct() {
    List<CellSpec> cells =
        cells(
            """
        name: g
        task: {modulus: [5, 7, 9]}
        train: {init_seed: [0, 1], lr: 0.001}
        """);
    assertThat(cells).hasSize(6);
    assertThat(cells)
        .extracting(c -> c.config().task().modulus())
        .containsExactly(5, 5, 7, 7, 9, 9);
    assertThat(cells)
        .extracting(c -> c.config().train().initSeed())
        .containsExactly(0L, 1L, 0L, 1L, 0L, 1L);
    assertThat(cells)
        .allSatisfy(c -> assertThat(c.config().train().optimizer().lr()).isEqualTo(0.001));
    assertThat(cells.get(3).axes())
        .containsEntry("task.modulus", 7)
        .containsEntry("train.init_seed", 1);
  }

  @Test
  void zipAdvancesAxesTogetherAndRangeExpands() {
    List<CellSpec> cells =
        cells(
            """
        name: z
        train: {init_seed: {range: [0, 3]}, data_seed: [10, 11, 12]}
        zip: [[train.init_seed, train.data_seed]]
        """);
    assertThat(cells)
        .extracting(c -> c.config().train().initSeed() * 100 + c.config().train().dataSeed())
        .containsExactly(10L, 111L, 212L);
  }

  @Test
  void defaultsFollowTheDesign() {
    CellSpec c = cells("name: d\n").get(0);
    assertThat(c.config().task().vocab()).isEqualTo(256);
    assertThat(c.config().task().markersMax()).isEqualTo(4);
    assertThat(c.config().task().sampling()).isEqualTo(Sampling.PER_EXAMPLE);
    assertThat(c.config().model().layers()).isEqualTo(5);
    assertThat(c.config().model().dModel()).isEqualTo(128);
    assertThat(c.config().train().optimizer().kind()).isEqualTo(OptimizerSpec.Kind.ADAMW);
    assertThat(c.config().train().steps()).isEqualTo(20000);
    assertThat(c.config().record().snapshotEvery()).isEqualTo(100);
  }

  @Test
  void cellIdIsStableAndDependsOnEveryKnob() {
    String a = cells("name: a\ntrain: {lr: 0.001}\n").get(0).cellId();
    String sameCellOtherSweep =
        cells("name: b\ntrain: {lr: 1.0e-3, optimizer: adamw}\n").get(0).cellId();
    String other = cells("name: a\ntrain: {lr: 0.002}\n").get(0).cellId();
    assertThat(a).hasSize(16).isEqualTo(sameCellOtherSweep).isNotEqualTo(other);
    CellSpec c = cells("name: a\ntrain: {lr: 0.001}\n").get(0);
    assertThat(CellConfig.fromJson(c.configJson()).cellId()).isEqualTo(a);
  }

  @Test
  void checkpointsAreAListValuedKnobOutsideTheCellId() {
    CellSpec plain = cells("name: a\ntrain: {steps: 1000}\n").get(0);
    CellSpec withCheckpoints =
        cells("name: a\ntrain: {steps: 1000}\nrecord: {checkpoints: [0, 0.5, 700]}\n").get(0);
    assertThat(withCheckpoints.cellId()).isEqualTo(plain.cellId());
    assertThat(withCheckpoints.config().record().checkpoints().steps(1000))
        .containsExactly(0, 500, 700);
    assertThat(plain.config().record().checkpoints().steps(1000)).containsExactly(100, 400, 900);
    assertThat(withCheckpoints.configJson()).contains("\"checkpoints\":[0,0.5,700]");
    assertThat(CellConfig.fromJson(withCheckpoints.configJson()).cellId())
        .isEqualTo(plain.cellId());
    assertThat(
            cells("name: a\nrecord: {checkpoints: []}\n")
                .get(0)
                .config()
                .record()
                .checkpoints()
                .steps(20000))
        .isEmpty();
  }

  @Test
  void badCheckpointsAndSaeSettingsNameTheKey() {
    assertThatThrownBy(() -> cells("name: a\nrecord: {checkpoints: [[0.1], [0.2]]}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("record.checkpoints")
        .hasMessageContaining("cannot be a grid axis");
    assertThatThrownBy(() -> cells("name: a\nrecord: {checkpoints: [1.5]}\n"))
        .hasMessageContaining("record.checkpoints=[1.5]")
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> cells("name: a\ntrain: {steps: 100}\nrecord: {checkpoints: [200]}\n"))
        .hasMessageContaining("record.checkpoints")
        .hasMessageContaining("beyond the run's train.steps=100");
    assertThatThrownBy(() -> cells("name: a\nrecord: {checkpoints: 0.5}\n"))
        .hasMessageContaining("record.checkpoints=0.5");
    assertThatThrownBy(() -> cells("name: a\nsae: {k: [4, 300]}\n"))
        .hasMessageContaining("sae.k=300")
        .hasMessageContaining("narrowest is 256");
    assertThatThrownBy(() -> cells("name: a\nsae: {lr: -1}\n")).hasMessageContaining("sae.lr=-1");
    assertThatThrownBy(() -> cells("name: a\nsae: {widht: 3}\n"))
        .hasMessageContaining("sae.widht=3")
        .hasMessageContaining("unknown key");
    assertThatThrownBy(() -> cells("name: a\nsae: {ablation_examples: 4096}\n"))
        .hasMessageContaining("sae.ablation_examples=4096");
    assertThatThrownBy(() -> cells("name: a\nmodel: {layers: [2, 3]}\nsae: {layers: [2]}\n"))
        .hasMessageContaining("sae.layers=[2]")
        .hasMessageContaining("model.layers=2")
        .hasMessageContaining("which has 2 layers");
  }

  @Test
  void saeSettingsComeFromTheirSectionOrTheDefaults() {
    SweepSpec spec =
        SweepSpec.parse("name: s\nsae: {width: 64, k: [2, 8], layers: [0], steps: 50}\n", "s.yaml");
    assertThat(spec.sae().widths()).containsExactly(64);
    assertThat(spec.sae().ks()).containsExactly(2, 8);
    assertThat(spec.sae().steps()).isEqualTo(50);
    assertThat(spec.sae().lr()).isEqualTo(1e-3);
    assertThat(spec.sae().layersOf(spec.cells().get(0).config().model())).containsExactly(0);
    SweepSpec defaults = SweepSpec.parse("name: d\n", "d.yaml");
    assertThat(defaults.sae()).isEqualTo(SaeSettings.DEFAULT);
    assertThat(defaults.sae().layersOf(defaults.cells().get(0).config().model()))
        .containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void theCellLimitIsCheckedBeforeExpandingAndCanBeRaised() {
    String yaml =
        "name: big\ntrain: {init_seed: {range: [0, 3000]}, data_seed: {range: [0, 3000]}}\n";
    assertThatThrownBy(() -> SweepSpec.parse(yaml, "big.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expands to 9,000,000 cells, more than the limit of 10,000")
        .hasMessageContaining("train.init_seed x3000");
    String small = "name: s\ntrain: {init_seed: {range: [0, 12]}}\n";
    assertThatThrownBy(() -> SweepSpec.parse(small, "s.yaml", 10))
        .hasMessageContaining("expands to 12 cells, more than the limit of 10");
    assertThat(SweepSpec.parse(small, "s.yaml", 12).cells()).hasSize(12);
  }

  @Test
  void markersMayBeAnAxisOfRanges() {
    List<CellSpec> cells =
        cells(
            """
        name: m
        task: {markers: [{min: 1, max: 2}, 3]}
        """);
    assertThat(cells)
        .extracting(c -> c.config().task().markersMin() * 10 + c.config().task().markersMax())
        .containsExactly(12, 33);
  }

  @Test
  void shippedConfigsAllExpand() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../conf"))) {
      List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
      assertThat(yamls)
          .extracting(p -> p.getFileName().toString())
          .contains("quick.yaml", "paper.yaml", "paper-sgd.yaml", "difficulty.yaml");
      for (Path p : yamls) {
        SweepSpec spec = SweepSpec.parse(Files.readString(p), p.toString());
        assertThat(spec.cells()).as(p.toString()).isNotEmpty();
      }
    }
    SweepSpec paper =
        SweepSpec.parse(Files.readString(Path.of("../conf/paper.yaml")), "paper.yaml");
    assertThat(paper.cells())
        .hasSize(20)
        .allSatisfy(
            c -> {
              assertThat(c.config().task().sampling()).isEqualTo(Sampling.PER_BATCH);
              assertThat(c.config().train().steps()).isEqualTo(20000);
            });
  }

  @Test
  void badInputNamesTheKeyAndValue() {
    assertThatThrownBy(() -> cells("name: x\ntask: {vocabb: 3}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("task.vocabb=3: unknown key (expected one of vocab, modulus");
    assertThatThrownBy(() -> cells("name: x\nmodel: {layers: five}\n"))
        .hasMessageContaining("model.layers='five': must be an integer");
    assertThatThrownBy(() -> cells("name: x\nmodel: {layers: 0}\n"))
        .hasMessageContaining("model.layers=0");
    assertThatThrownBy(() -> cells("name: x\nmodel: {d_model: 30, heads: 4}\n"))
        .hasMessageContaining("model.d_model=30: is not divisible by heads=4");
    assertThatThrownBy(() -> cells("name: x\ntask: {seq_len: 8, markers: {min: 1, max: 4}}\n"))
        .hasMessageContaining("task.markers.max=4");
    assertThatThrownBy(() -> cells("name: x\ntask: {modulus: [5, 300]}\n"))
        .hasMessageContaining("in the cell {task.modulus=300}")
        .hasMessageContaining("task.modulus=300");
    assertThatThrownBy(() -> cells("name: x\ntask: {modulus: []}\n"))
        .hasMessageContaining("task.modulus=[]");
    assertThatThrownBy(() -> cells("name: x\ntrain: {optimizer: adam}\n"))
        .hasMessageContaining("train.optimizer='adam': must be one of sgd, adamw");
    assertThatThrownBy(() -> cells("task: {modulus: 5}\n")).hasMessageContaining("name=(missing)");
    assertThatThrownBy(() -> cells("name: x\nbogus: 1\n"))
        .hasMessageContaining("bogus=1: unknown key");
    assertThatThrownBy(() -> cells("name: x\ntask: {modulus: 5\n"))
        .hasMessageContaining("test.yaml=(yaml): is not valid YAML");
    assertThatThrownBy(() -> cells("name: x\nname: y\n")).hasMessageContaining("not valid YAML");
    assertThatThrownBy(
            () ->
                cells(
                    "name: x\ntrain: {init_seed: [0, 1], data_seed: [0]}\nzip: [[train.init_seed, train.data_seed]]\n"))
        .hasMessageContaining("same number of values");
    assertThatThrownBy(() -> cells("name: x\nzip: [[train.init_seed, train.data_seed]]\n"))
        .hasMessageContaining("is not a grid axis");
    assertThatThrownBy(() -> cells("")).hasMessageContaining("test.yaml=(empty)");
  }

  @Test
  void yamlTagsNeverConstructJavaObjects() {
    assertThatThrownBy(
            () ->
                cells(
                    """
        name: x
        task: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://127.0.0.1/"]]]]
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
  }
}
