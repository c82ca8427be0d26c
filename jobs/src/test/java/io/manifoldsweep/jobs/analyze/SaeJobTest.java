package io.manifoldsweep.jobs.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.report.ReportJob;
import io.manifoldsweep.jobs.sweep.SweepHooks;
import io.manifoldsweep.jobs.sweep.SweepJob;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.sweep.SweepSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SAE analysis end to end: conf/quick.yaml, and a results folder written before checkpoints
 * existed.
 */
class SaeJobTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSessions.local("local[2]", "SaeJobTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  void quickYamlGivesEveryTableWithConsistentRowCounts(@TempDir Path tmp) throws IOException {
    Path yaml = Path.of("../conf/quick.yaml");
    SweepSpec spec = SweepSpec.parse(Files.readString(yaml), yaml.toString());
    List<CellSpec> cells = spec.cells();
    SaeSettings sae = spec.sae();
    Path dir = tmp.resolve("quick");
    new SweepJob(spark, TestOutput.discarded(), 60_000)
        .run(spec, cells, dir.toString(), SweepHooks.NONE);
    AnalyzeJob.Outcome outcome =
        new AnalyzeJob(spark, TestOutput.discarded()).run(dir.toString(), 3, Optional.of(sae));
    int layers = cells.get(0).config().model().layers();
    int checkpoints = 3;
    long saes = (long) cells.size() * checkpoints * layers * sae.widths().size() * sae.ks().size();
    assertThat(outcome.saes()).isEqualTo(saes);
    List<String> views = ResultViews.register(spark, dir.toString()).views();
    assertThat(views)
        .contains("checkpoints", "sae", "sae_latents", "sae_ablations", "manifold_ablation");

    assertThat(count("SELECT count(*) FROM checkpoints")).isEqualTo(cells.size() * checkpoints);
    assertThat(count("SELECT count(DISTINCT step) FROM checkpoints")).isEqualTo(checkpoints);
    assertThat(count("SELECT count(*) FROM sae")).isEqualTo(saes);
    assertThat(count("SELECT count(DISTINCT cell_id, step, layer, width, k) FROM sae"))
        .isEqualTo(saes);
    assertThat(
            count(
                "SELECT count(*) FROM sae s JOIN checkpoints c ON s.cell_id = c.cell_id AND s.step = c.step"))
        .isEqualTo(saes);
    assertThat(
            count(
                "SELECT count(*) FROM sae WHERE fve <= 0 OR fve > 1 OR l0 > k OR l0 <= 0 OR alive_fraction > 1"
                    + " OR isnan(ce_score) OR isnan(kl_score) OR ce_clean <= 0"))
        .isZero();
    long width = sae.widths().get(0);
    assertThat(count("SELECT count(*) FROM sae_latents")).isEqualTo(saes * width);
    assertThat(
            count(
                "SELECT count(*) FROM (SELECT cell_id, step, layer, width, k FROM sae_latents GROUP BY 1, 2, 3, 4, 5"
                    + " HAVING count(*) = max(width))"))
        .isEqualTo(saes);
    assertThat(
            count(
                "SELECT count(*) FROM sae_latents WHERE category NOT IN ('routing', 'execution', 'other', 'dead')"))
        .isZero();
    assertThat(count("SELECT count(*) FROM sae_latents WHERE zero_acc_delta IS NOT NULL"))
        .isEqualTo(
            count(
                "SELECT count(*) FROM sae_ablations WHERE kind = 'single' AND ablation = 'zero'"));
    // every SAE: up to 16 singles in both modes, at most one routing and one execution set and 10
    // random sets per size
    assertThat(
            count(
                "SELECT count(*) FROM (SELECT cell_id, step, layer, width, k, count(*) AS n FROM sae_ablations"
                    + " WHERE kind = 'single' GROUP BY 1, 2, 3, 4, 5) WHERE n > 32 OR n % 2 = 1"))
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM (SELECT cell_id, step, layer, width, k, kind, n, count(*) AS c FROM sae_ablations"
                    + " WHERE kind <> 'single' GROUP BY 1, 2, 3, 4, 5, 6, 7) WHERE (kind = 'random' AND c > 10) OR (kind <> 'random' AND c > 1)"))
        .isZero();
    assertThat(count("SELECT count(*) FROM sae_ablations WHERE kind = 'execution'")).isPositive();
    assertThat(
            count(
                "SELECT count(*) FROM sae_ablations WHERE size(latents) <> n OR size(per_m) <> 2"
                    + " OR abs(acc_drop - (acc_clean - acc)) > 1e-12"))
        .isZero();
    // manifold: per cell and checkpoint the clean row, then k = 1..4 x (top, next, 5 random)
    assertThat(count("SELECT count(*) FROM manifold_ablation"))
        .isEqualTo(cells.size() * checkpoints * (1 + 4 * 7L));
    assertThat(
            count(
                "SELECT count(*) FROM manifold_ablation WHERE directions = 'none' AND acc <> acc_clean"))
        .isZero();
    Row late =
        spark
            .sql(
                "SELECT avg(CASE WHEN directions = 'top' THEN acc_drop END), avg(CASE WHEN directions = 'random' THEN acc_drop END)"
                    + " FROM manifold_ablation WHERE k = 3 AND step = (SELECT max(step) FROM manifold_ablation)")
            .first();
    assertThat(late.getDouble(0))
        .as("removing the top-3 trajectory directions costs accuracy")
        .isGreaterThan(late.getDouble(1) + 0.1);

    Path index = new ReportJob(spark, TestOutput.discarded()).run(dir.toString());
    for (String figure :
        List.of(
            "sae-fve",
            "sae-ce-score",
            "sae-l0",
            "sae-associations",
            "sae-ablation",
            "manifold-ablation")) {
      Path png = index.resolveSibling("g1-" + figure + ".png");
      assertThat(png).exists();
      BufferedImage img = ImageIO.read(png.toFile());
      Set<Integer> colours = new java.util.HashSet<>();
      for (int y = 0; y < img.getHeight(); y += 3) {
        for (int x = 0; x < img.getWidth(); x += 3) {
          colours.add(img.getRGB(x, y));
        }
      }
      assertThat(colours.size()).as("colours in %s", png).isGreaterThan(20);
    }
  }

  /**
   * A folder written by main at b6fe6ed (two of tiny.yaml's four cells, no checkpoints table): the
   * new version finds the same cell ids, trains only the two missing cells, and its SAE analysis
   * names the old cells instead of failing.
   */
  @Test
  void aFolderWrittenBeforeCheckpointsResumesAndAnalyses(@TempDir Path tmp) throws IOException {
    Path legacy = Path.of("src/test/resources/results-b6fe6ed");
    Path dir = TestFiles.copyTree(legacy, tmp.resolve("legacy"), p -> true);
    Set<String> old;
    try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
      old =
          runs.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
              .map(n -> n.substring(0, n.length() - ".parquet".length()))
              .collect(Collectors.toSet());
    }
    assertThat(old).hasSize(2);
    SweepSpec spec = SweepSpec.parse(TestFiles.tinyYaml(), "tiny.yaml");
    assertThat(spec.cells()).extracting(CellSpec::cellId).containsAll(old);
    SweepJob.Outcome sweep =
        new SweepJob(spark, TestOutput.discarded(), 60_000)
            .run(spec, spec.cells(), dir.toString(), SweepHooks.NONE);
    assertThat(sweep.skipped()).isEqualTo(2);
    assertThat(sweep.statusByCell().keySet()).hasSize(2).doesNotContainAnyElementsOf(old);

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SaeSettings small =
        SaeSettings.parse(
            "{width: 32, k: 4, steps: 50, batch_size: 128, examples: 64, ablation_examples: 16}");
    AnalyzeJob.Outcome outcome =
        new AnalyzeJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8))
            .run(dir.toString(), 3, Optional.of(small));
    assertThat(outcome.analysed()).isEqualTo(4);
    String printed = log.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("2 of 4 cells have no checkpoints");
    old.forEach(id -> assertThat(printed).contains(id));
    ResultViews.register(spark, dir.toString());
    assertThat(spark.sql("SELECT DISTINCT cell_id FROM sae").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrderElementsOf(sweep.statusByCell().keySet());
    assertThat(count("SELECT count(*) FROM dimensions WHERE block = 'all'")).isEqualTo(4);
    assertThat(count("SELECT count(*) FROM runs WHERE blas IS NULL"))
        .as("the old rows lack the newer provenance columns")
        .isEqualTo(2);
  }
}
