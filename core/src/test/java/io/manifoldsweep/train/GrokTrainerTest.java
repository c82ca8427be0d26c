package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.record.InMemoryRecordSink;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.record.SnapshotRecord;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The modular task, the follow-up's model knobs, early stop and interventions, in the trainer. */
class GrokTrainerTest {
  @BeforeAll
  static void oneThread() {
    NativeThreads.set(1);
  }

  /** A small follow-up-style model on add mod 11: fast, and it groks in a few hundred steps. */
  static final String MODULAR =
      """
      task: {kind: modular, modulus: 11, operation: add, train_fraction: 0.6}
      model: {layers: 2, d_model: 32, heads: 4, mlp: true, d_mlp: 64, attention: bidirectional, readout: first, init: encoder}
      train: {steps: 60, batch_size: 32, lr: 3.0e-3, beta2: 0.98, weight_decay: 1.0, grad_clip: 1.0}
      record: {snapshot_every: 10, eval_every: 10, commutator_every: 20, commutator_pairs: 2, checkpoints: [], resume_every: 0}
      """;

  static CellConfig cell(String more) {
    return CellConfig.parse(MODULAR).with(more.isEmpty() ? "{}" : more);
  }

  private static InMemoryRecordSink train(CellConfig c) {
    InMemoryRecordSink sink = new InMemoryRecordSink();
    RunResult r = new Trainer(c, ProgressListener.NONE).run(sink);
    assertThat(r.status()).isEqualTo(RunStatus.OK);
    return sink;
  }

  private static List<float[]> snapshots(InMemoryRecordSink sink, long upTo) {
    return sink.snapshots().stream()
        .filter(s -> s.step() <= upTo)
        .map(SnapshotRecord::values)
        .toList();
  }

  @Test
  void aModularCellEvaluatesItsWholeSplitsAndLearnsItsTrainSplit() {
    InMemoryRecordSink sink = train(cell("train: {steps: 300}"));
    MetricsRecord first = sink.metrics().get(0);
    MetricsRecord last = sink.metrics().get(sink.metrics().size() - 1);
    assertThat(first.split()).isNotNull();
    assertThat(first.eval()).as("no per-marker-count eval").isNull();
    assertThat(last.step()).isEqualTo(300);
    assertThat(last.split().trainAccuracy())
        .as("train accuracy after 300 steps")
        .isGreaterThan(0.9);
    assertThat(last.split().trainLoss()).isLessThan(first.split().trainLoss());
    assertThat(last.attention().entropy()).isEmpty();
  }

  @Test
  void underInitEncoderEveryLayerIsACopyOfLayerZero() {
    CellConfig c = cell("model: {layers: 3}");
    ParamLayout layout = ParamLayout.of(c.model());
    Params p = Params.initialise(layout, Precision.FLOAT64, 5);
    for (ParamLayout.Entry e : layout.entries()) {
      if (e.name().startsWith("layer1.") || e.name().startsWith("layer2.")) {
        String zero = e.name().replaceFirst("^layer\\d+\\.", "layer0.");
        assertThat(p.tensorAsFloats(e.name())).as(e.name()).isEqualTo(p.tensorAsFloats(zero));
      }
    }
    assertThat(p.tensorAsFloats("layer0.attn.bq")).containsOnly(0f);
    double bound = Math.sqrt(6.0 / (4 * 32));
    double largest =
        java.util.Arrays.stream(
                p.toDoubleArray(),
                (int) layout.entry("layer0.attn.wq").offset(),
                (int)
                    (layout.entry("layer0.attn.wq").offset()
                        + layout.entry("layer0.attn.wq").length()))
            .map(Math::abs)
            .max()
            .orElseThrow();
    assertThat(largest)
        .as("Xavier bound over the fused in-projection")
        .isLessThanOrEqualTo(bound)
        .isGreaterThan(bound * 0.9);
    Params other =
        Params.initialise(
            ParamLayout.of(cell("model: {init: default}").model()), Precision.FLOAT64, 5);
    assertThat(other.tensorAsFloats("layer1.attn.wq"))
        .isNotEqualTo(other.tensorAsFloats("layer0.attn.wq"));
  }

  @Test
  void aStrengthOfZeroTrainsBitForBitAsNoIntervention() {
    List<float[]> none = snapshots(train(cell("")), 60);
    for (String target : List.of("gradient", "update")) {
      for (String basis : List.of("random")) {
        InMemoryRecordSink s =
            train(
                cell(
                    "intervention: {kind: project, start: 1, strength: 0.0, target: "
                        + target
                        + ", basis: "
                        + basis
                        + ", scope: all}"));
        assertThat(snapshots(s, 60))
            .as("target %s", target)
            .usingRecursiveFieldByFieldElementComparator()
            .containsExactlyElementsOf(none);
      }
    }
  }

  @Test
  void anIntervenedCellIsItsReferenceUpToUpdateStartMinusOneAndNotAfter() {
    CellConfig intervened =
        cell("intervention: {kind: project, start: 21, strength: 1.0, basis: random, scope: all}");
    InMemoryRecordSink a = train(intervened);
    InMemoryRecordSink b = train(intervened.reference());
    assertThat(intervened.reference().cellId()).isEqualTo(cell("").cellId());
    assertThat(snapshots(a, 20))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(snapshots(b, 20));
    assertThat(a.snapshots().get(a.snapshots().size() - 1).values())
        .isNotEqualTo(b.snapshots().get(b.snapshots().size() - 1).values());
    MetricsRecord last = a.metrics().get(a.metrics().size() - 1);
    assertThat(last.intervention()).isNotNull();
    assertThat(last.intervention().updateInBasis())
        .as("s = 1 on every coordinate: the update lies in span(B) but for decay")
        .isGreaterThan(0);
    assertThat(last.intervention().attentionNorm()).isPositive();
    assertThat(b.metrics().get(1).intervention()).isNull();
  }

  @Test
  void commutatorProbesAndKicksDrawFromTheirOwnStreams() {
    List<float[]> without = snapshots(train(cell("record: {commutator_every: 0}")), 60);
    List<float[]> with = snapshots(train(cell("record: {commutator_every: 10}")), 60);
    assertThat(with)
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(without);
    InMemoryRecordSink kicked =
        train(cell("intervention: {kind: kick, start: 30, every: 10, alpha: 5.0, basis: random}"));
    assertThat(snapshots(kicked, 29))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyElementsOf(snapshots(train(cell("")), 29));
    assertThat(kicked.snapshots().get(kicked.snapshots().size() - 1).values())
        .isNotEqualTo(without.get(without.size() - 1));
  }

  @Test
  void anEarlyStopEndsExtraStepsAfterTheEvalThatMetItAndIsRecordedAsTheLastStep() {
    InMemoryRecordSink sink = new InMemoryRecordSink();
    RunResult r =
        new Trainer(
                cell(
                    "train: {steps: 400, stop: {test_accuracy: 0.0, patience: 2, extra_steps: 5}}"),
                ProgressListener.NONE)
            .run(sink);
    // every eval meets 0.0: evals at steps 0 and 10 make two in a row
    assertThat(r.stepsDone()).isEqualTo(15);
    assertThat(r.message()).contains("early stop");
    assertThat(sink.metrics().get(sink.metrics().size() - 1).step()).isEqualTo(15);
    assertThat(sink.snapshots().get(sink.snapshots().size() - 1).step()).isEqualTo(15);
  }

  @Test
  void badInterventionSettingsNameKeyAndValue() {
    assertThatThrownBy(() -> cell("intervention: {kind: project, start: 10, strength: 1.5}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("intervention.strength=1.5");
    assertThatThrownBy(() -> cell("intervention: {kind: project, start: 10, components: 7}"))
        .hasMessageContaining("intervention.components=7")
        .hasMessageContaining("at most 7 times");
    assertThatThrownBy(
            () -> cell("record: {commutator_every: 0}\nintervention: {kind: kick, start: 10}"))
        .hasMessageContaining("intervention.kind='kick'")
        .hasMessageContaining("record.commutator_every");
    assertThatThrownBy(
            () ->
                cell(
                    "train: {optimizer: sgd}\nintervention: {kind: project, start: 10, target: update}"))
        .hasMessageContaining("intervention.target='update'");
    assertThatThrownBy(() -> cell("intervention: {kind: project, start: 10, alpha: 2.0}"))
        .hasMessageContaining("intervention.alpha");
    assertThatThrownBy(() -> CellConfig.parse("train: {batch_size: full}"))
        .hasMessageContaining("train.batch_size='full'");
    assertThatThrownBy(() -> cell("intervention: {kind: project}"))
        .hasMessageContaining("intervention.start=500")
        .hasMessageContaining("train.steps=60");
  }
}
