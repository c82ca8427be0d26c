package io.manifoldsweep.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import io.manifoldsweep.train.NativeThreads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep on local[2] with one retry per task, end to end through Parquet. */
class SweepJobTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() {
    spark = TestSessions.local("local[2,2]", "SweepJobTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  static final String TINY = TestFiles.tinyYaml();

  private SweepJob.Outcome sweep(SweepSpec spec, Path out, SweepHooks hooks) {
    return new SweepJob(spark, TestOutput.discarded(), 60_000)
        .run(spec, spec.cells(), out.toUri().toString(), hooks);
  }

  private long count(Path dir, String table) {
    return spark.read().parquet(dir.resolve(table).toString()).count();
  }

  @Test
  void quickSweepWritesEveryTableWithTheExpectedRowCounts() throws IOException {
    SweepSpec spec = SweepSpec.parse(Files.readString(Path.of("../conf/quick.yaml")), "quick.yaml");
    List<CellSpec> cells = spec.cells();
    SweepJob.Outcome outcome = sweep(spec, tmp, SweepHooks.NONE);
    assertThat(outcome.count("ok")).isEqualTo(cells.size());
    var rec = cells.get(0).config().record();
    int steps = cells.get(0).config().train().steps();
    int layers = cells.get(0).config().model().layers();
    long snapshotSteps =
        steps / rec.snapshotEvery() + 1 + (steps % rec.snapshotEvery() == 0 ? 0 : 1);
    long commutatorSteps = steps / rec.commutatorEvery() + 1;
    assertThat(count(tmp, Tables.RUNS)).isEqualTo(cells.size());
    assertThat(count(tmp, Tables.SNAPSHOTS)).isEqualTo(cells.size() * snapshotSteps * layers * 4);
    assertThat(count(tmp, Tables.METRICS)).isEqualTo(cells.size() * snapshotSteps);
    assertThat(count(tmp, Tables.COMMUTATORS)).isEqualTo(cells.size() * commutatorSteps);

    // plain Spark SQL by path, no project code involved
    Row r =
        spark
            .sql(
                "SELECT count(DISTINCT cell_id), min(size(values)), max(step) FROM parquet.`"
                    + tmp.resolve("snapshots")
                    + "`")
            .first();
    assertThat(r.getLong(0)).isEqualTo(cells.size());
    assertThat(r.getInt(1)).isEqualTo(32 * 32);
    assertThat(r.getLong(2)).isEqualTo(steps);
    Row run =
        spark
            .sql(
                "SELECT sweep, status, modulus, project_version, nd4j_version, spark_version, config_json, host, cpu, blas,"
                    + " spark_app, executor, native_threads, native_env FROM parquet.`"
                    + tmp.resolve("runs")
                    + "` LIMIT 1")
            .first();
    assertThat(run.getString(0)).isEqualTo("quick");
    assertThat(run.getString(1)).isEqualTo("ok");
    assertThat(run.getString(4)).isEqualTo("1.0.0-M2.1");
    assertThat(run.getString(5)).isEqualTo(spark.version());
    assertThat(run.getString(6)).contains("\"modulus\":" + run.getInt(2));
    assertThat(run.getString(8)).isEqualTo(io.manifoldsweep.kernel.CpuInfo.current().model());
    assertThat(run.getString(9)).contains("oneDNN", "OpenBLAS 0.3.31");
    assertThat(run.getString(10)).isEqualTo(spark.sparkContext().applicationId());
    assertThat(run.getString(11)).as("local mode: the driver is the executor").isEqualTo("driver");
    assertThat(run.getInt(12)).isEqualTo(1);
    assertThat(run.getString(13))
        .as("the test JVM's environment (surefire sets it)")
        .isEqualTo(NativeThreads.environment(System.getenv()))
        .contains("OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "OMP_WAIT_POLICY=PASSIVE");
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM parquet.`"
                        + tmp.resolve("runs")
                        + "` WHERE recording_seconds > 0 AND recording_seconds < wall_seconds")
                .first()
                .getLong(0))
        .as("cells whose recording took part of their wall time")
        .isEqualTo(cells.size());
    assertThat(ResultViews.register(spark, tmp.toString()).views())
        .contains("runs", "snapshots", "metrics", "commutators");
    assertThat(
            spark
                .sql("SELECT count(*) FROM metrics LATERAL VIEW inline(attention) a")
                .first()
                .getLong(0))
        .isEqualTo(cells.size() * snapshotSteps * layers * 2 * 2);
  }

  @Test
  void resumeRetrainsExactlyTheMissingCell() throws IOException {
    SweepSpec spec = SweepSpec.parse(TINY, "tiny.yaml");
    List<CellSpec> cells = spec.cells();
    sweep(spec, tmp, SweepHooks.NONE);
    String victim = cells.get(1).cellId();
    Map<String, Long> before = modificationTimes(tmp);
    Files.delete(tmp.resolve("runs").resolve(victim + ".parquet"));
    Files.delete(tmp.resolve("snapshots").resolve(victim + ".parquet"));
    Path lostRace = tmp.resolve("_resume").resolve(cells.get(0).cellId());
    Path uncommitted = tmp.resolve("_resume").resolve("cell-of-an-unfinished-attempt");
    for (Path area : List.of(lostRace, uncommitted)) {
      Files.createDirectories(area);
      Files.writeString(
          area.resolve("snapshots.x.0.parquet"), "written after the winner cleared the area");
    }
    SweepJob.Outcome again = sweep(spec, tmp, SweepHooks.NONE);
    assertThat(again.statusByCell()).containsOnlyKeys(victim);
    assertThat(lostRace).as("a committed cell's leftover resume area").doesNotExist();
    assertThat(uncommitted).as("a cell without a runs row keeps its resume area").exists();
    assertThat(again.skipped()).isEqualTo(cells.size() - 1);
    Map<String, Long> after = modificationTimes(tmp);
    before.forEach(
        (file, time) -> {
          if (!file.contains(victim)) {
            assertThat(after.get(file)).as("untouched: %s", file).isEqualTo(time);
          }
        });
    assertThat(count(tmp, Tables.SNAPSHOTS)).isEqualTo(cells.size() * 4L * 4);
    assertThat(sweep(spec, tmp, SweepHooks.NONE).statusByCell()).isEmpty();
  }

  @Test
  void aCellThatFailsEveryAttemptTakesOneConsoleLineAndTheNextSweepRetrainsIt() {
    SweepSpec spec = SweepSpec.parse(TINY, "tiny.yaml");
    String broken = spec.cells().get(0).cellId();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    SweepJob.Outcome outcome =
        new SweepJob(spark, new PrintStream(console, true, StandardCharsets.UTF_8), 60_000)
            .run(
                spec,
                spec.cells(),
                tmp.toUri().toString(),
                new SweepHooks(Set.of(), java.util.Map.of(), Set.of(broken)));
    assertThat(outcome.statusByCell()).containsEntry(broken, "failed");
    assertThat(outcome.count("ok")).isEqualTo(spec.cells().size() - 1);
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().filter(l -> l.contains(broken)))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains(
                        "status=failed",
                        "error: java.lang.IllegalStateException: test hook: cell "
                            + broken
                            + " fails on every attempt"));
    assertThat(out).doesNotContain("second line").doesNotContain("\tat ");
    Row run =
        spark
            .sql(
                "SELECT status, attempt, message FROM parquet.`"
                    + tmp.resolve("runs")
                    + "` WHERE cell_id = '"
                    + broken
                    + "'")
            .first();
    assertThat(run.getString(0)).isEqualTo("failed");
    assertThat(run.getInt(1)).as("the last of local[2,2]'s two attempts").isEqualTo(1);
    assertThat(run.getString(2)).contains("fails on every attempt", "second line");

    SweepJob.Outcome again = sweep(spec, tmp, SweepHooks.NONE);
    assertThat(again.statusByCell()).containsExactly(java.util.Map.entry(broken, "ok"));
  }

  @Test
  void aRetriedCellEndsWithOneCopy() {
    SweepSpec spec = SweepSpec.parse(TINY, "tiny.yaml");
    String flaky = spec.cells().get(0).cellId();
    SweepJob.Outcome outcome =
        sweep(spec, tmp, new SweepHooks(Set.of(flaky), java.util.Map.of(), Set.of()));
    assertThat(outcome.statusByCell()).containsEntry(flaky, "ok");
    assertThat(
            spark
                .sql(
                    "SELECT attempt FROM parquet.`"
                        + tmp.resolve("runs")
                        + "` WHERE cell_id = '"
                        + flaky
                        + "'")
                .collectAsList())
        .extracting(r -> r.getInt(0))
        .containsExactly(1);
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM parquet.`"
                        + tmp.resolve("snapshots")
                        + "` WHERE cell_id = '"
                        + flaky
                        + "'")
                .first()
                .getLong(0))
        .isEqualTo(4L * 4);
    assertThat(tmp.resolve("_temporary")).doesNotExist();
  }

  @Test
  void aDivergingCellIsDataAndTheSweepSucceeds() {
    SweepSpec spec =
        SweepSpec.parse(
            """
        name: boom
        task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
        model: {layers: 1, d_model: 16, heads: 2}
        train: {steps: 60, batch_size: 32, optimizer: sgd, lr: [1.0e-3, 1.0e+7]}
        record: {snapshot_every: 20, eval_every: 30, eval_examples: 64, probe_examples: 16, commutator_every: 0}
        """,
            "boom.yaml");
    SweepJob.Outcome outcome = sweep(spec, tmp, SweepHooks.NONE);
    assertThat(outcome.count("ok")).isEqualTo(1);
    assertThat(outcome.count("diverged")).isEqualTo(1);
    Row row =
        spark
            .sql(
                "SELECT status, steps_done, message FROM parquet.`"
                    + tmp.resolve("runs")
                    + "` WHERE lr > 1")
            .first();
    assertThat(row.getString(0)).isEqualTo("diverged");
    assertThat(row.getLong(1)).isLessThan(60);
    assertThat(row.getString(2)).contains("training loss became");
  }

  @Test
  void theSameCellInTwoSweepsHasBitIdenticalSnapshots() {
    SweepSpec a = SweepSpec.parse(TINY, "tiny.yaml");
    SweepSpec b =
        SweepSpec.parse(
            TINY.replace("name: tiny", "name: tiny-again")
                .replace("init_seed: [0, 1]", "init_seed: [1, 2]"),
            "b.yaml");
    sweep(a, tmp.resolve("a"), SweepHooks.NONE);
    sweep(b, tmp.resolve("b"), SweepHooks.NONE);
    String shared =
        a.cells().stream()
            .filter(c -> c.config().train().initSeed() == 1)
            .findFirst()
            .orElseThrow()
            .cellId();
    List<Row> ra = snapshotsOf(tmp.resolve("a"), shared);
    List<Row> rb = snapshotsOf(tmp.resolve("b"), shared);
    assertThat(ra).hasSize(16).hasSameSizeAs(rb);
    for (int i = 0; i < ra.size(); i++) {
      assertThat(ra.get(i).getList(2)).isEqualTo(rb.get(i).getList(2));
    }
  }

  @Test
  void aFolderOfAnotherSweepIsRefused() {
    sweep(SweepSpec.parse(TINY, "tiny.yaml"), tmp, SweepHooks.NONE);
    SweepSpec other = SweepSpec.parse(TINY.replace("name: tiny", "name: other"), "other.yaml");
    assertThatThrownBy(() -> sweep(other, tmp, SweepHooks.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("holds cells of sweep 'tiny'");
  }

  private List<Row> snapshotsOf(Path dir, String cellId) {
    return spark
        .sql(
            "SELECT step, block, values FROM parquet.`"
                + dir.resolve("snapshots")
                + "` WHERE cell_id = '"
                + cellId
                + "' ORDER BY step, block")
        .collectAsList();
  }

  private static Map<String, Long> modificationTimes(Path root) throws IOException {
    Map<String, Long> out = new HashMap<>();
    try (var files = Files.walk(root)) {
      for (Path p :
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".parquet"))
              .toList()) {
        out.put(root.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }
}
