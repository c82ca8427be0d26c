package io.manifoldsweep.jobs.analyze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.analysis.PrincipalAngles;
import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.sweep.SweepHooks;
import io.manifoldsweep.jobs.sweep.SweepJob;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis job over a small sweep on local[2]. */
class AnalyzeJobTest {
  private static SparkSession spark;

  @TempDir static Path shared;

  private static Path swept;

  @BeforeAll
  static void sweepOnce() throws IOException {
    spark = TestSessions.local("local[2]", "AnalyzeJobTest");
    String yaml =
        TestFiles.tinyYaml()
            .replace("modulus: [5, 7]", "modulus: 5")
            .replace("init_seed: [0, 1]}", "init_seed: [0, 1], data_seed: [0, 1]}")
            .replace("steps: 60", "steps: 100");
    SweepSpec spec = SweepSpec.parse(yaml, "tiny.yaml");
    swept = shared.resolve("swept");
    new SweepJob(spark, TestOutput.discarded(), 60_000)
        .run(spec, spec.cells(), swept.toString(), SweepHooks.NONE);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path copyOfSweep(Path target) throws IOException {
    return TestFiles.copyTree(swept, target, p -> true);
  }

  @Test
  void analysisTablesExistAndAreConsistent(@TempDir Path tmp) throws IOException {
    Path dir = copyOfSweep(tmp.resolve("r"));
    AnalyzeJob.Outcome outcome =
        new AnalyzeJob(spark, TestOutput.discarded())
            .run(dir.toString(), 3, java.util.Optional.empty());
    assertThat(outcome.analysed()).isEqualTo(4);
    assertThat(outcome.pairs()).isEqualTo(6);
    Row dims =
        spark
            .sql(
                "SELECT count(*), sum(CASE WHEN r90 <= n_snapshots - 1 AND r90 <= r95 AND r95 <= r99 THEN 1 ELSE 0 END), "
                    + "count(DISTINCT block), min(n_snapshots), max(pc1), min(null_r90) FROM dimensions")
            .first();
    assertThat(dims.getLong(0)).isEqualTo(4 * 5);
    assertThat(dims.getLong(1)).isEqualTo(dims.getLong(0));
    assertThat(dims.getLong(2)).isEqualTo(5);
    assertThat(dims.getInt(3)).isEqualTo(6);
    assertThat(dims.getDouble(4)).isBetween(0.0, 1.0);
    assertThat(spark.sql("SELECT count(*) FROM dimension_timeline").first().getLong(0))
        .isEqualTo(4 * 5 * 4);
    Row align =
        spark
            .sql(
                "SELECT count(*), min(array_min(cosines)), max(array_max(cosines)), count(DISTINCT varied) FROM alignment")
            .first();
    assertThat(align.getLong(0)).isEqualTo(6 * 4);
    assertThat(align.getDouble(1)).isGreaterThanOrEqualTo(0.0);
    assertThat(align.getDouble(2)).isLessThanOrEqualTo(1.0);
    assertThat(align.getLong(3)).isEqualTo(3);
    Row ca =
        spark
            .sql(
                "SELECT count(*), min(rho_exec), max(rho_exec), min(rho_rand_live), count(DISTINCT basis) FROM commutator_alignment")
            .first();
    assertThat(ca.getLong(0)).isPositive();
    assertThat(ca.getDouble(1)).isGreaterThanOrEqualTo(0.0);
    assertThat(ca.getDouble(2)).isLessThanOrEqualTo(1.0);
    assertThat(ca.getDouble(3)).isPositive();
    assertThat(ca.getLong(4)).isEqualTo(2);
    assertThat(spark.sql("SELECT count(*) FROM saturation").first().getLong(0))
        .isEqualTo(4 * 4 * 3);

    // a cell compared with an identical cell: its own stored basis
    List<Row> basis =
        spark
            .sql("SELECT k, p, vectors FROM bases WHERE block = 'layer0.wq' LIMIT 1")
            .collectAsList();
    double[][] q =
        AnalyzeJob.unflatten(
            basis.get(0).getList(2), basis.get(0).getInt(0), basis.get(0).getInt(1));
    assertThat(PrincipalAngles.cosines(q, q))
        .containsExactly(new double[] {1, 1, 1}, org.assertj.core.api.Assertions.within(1e-6));

    long before = spark.sql("SELECT count(*) FROM dimensions").first().getLong(0);
    new AnalyzeJob(spark, TestOutput.discarded())
        .run(dir.toString(), 3, java.util.Optional.empty());
    assertThat(spark.read().parquet(dir.resolve("dimensions").toString()).count())
        .as("re-running replaces, never appends")
        .isEqualTo(before);
  }

  @Test
  void aCellWithAMissingParquetFileIsLeftOutAndNamed(@TempDir Path tmp) throws IOException {
    Path dir = copyOfSweep(tmp.resolve("m"));
    Path victim;
    try (Stream<Path> files = Files.list(dir.resolve("metrics"))) {
      victim =
          files
              .filter(p -> p.toString().endsWith(".parquet"))
              .min(Comparator.naturalOrder())
              .orElseThrow();
    }
    Files.delete(victim);
    assertLeftOut(dir, victim, "metrics/" + victim.getFileName() + ": missing");
  }

  /** The analysis goes on without the damaged cell and names it, with its file. */
  private static void assertLeftOut(Path dir, Path victim, String problem) {
    AnalyzeJob.Outcome outcome =
        new AnalyzeJob(spark, TestOutput.discarded())
            .run(dir.toString(), 3, java.util.Optional.empty());
    String id = victim.getFileName().toString().replace(".parquet", "");
    assertThat(outcome.damaged())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.cellId()).isEqualTo(id);
              assertThat(d.problems()).singleElement().asString().startsWith(problem);
            });
    assertThat(
            spark
                .read()
                .parquet(dir.resolve("dimensions").toString())
                .select("cell_id")
                .distinct()
                .collectAsList())
        .hasSize(outcome.analysed())
        .noneMatch(r -> r.getString(0).equals(id));
  }

  @Test
  void aCellWithATruncatedParquetFileIsLeftOutAndNamed(@TempDir Path tmp) throws IOException {
    Path dir = copyOfSweep(tmp.resolve("t"));
    Path victim;
    try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
      victim =
          files
              .filter(p -> p.toString().endsWith(".parquet"))
              .min(Comparator.naturalOrder())
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(victim);
    Files.write(victim, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertLeftOut(
        dir,
        victim,
        "snapshots/" + victim.getFileName() + ": " + bytes.length / 2 + " bytes, committed");
  }

  @Test
  void anEmptyFolderIsRefused(@TempDir Path tmp) {
    assertThatThrownBy(
            () ->
                new AnalyzeJob(spark, TestOutput.discarded())
                    .run(tmp.toString(), 3, java.util.Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds no results");
  }
}
