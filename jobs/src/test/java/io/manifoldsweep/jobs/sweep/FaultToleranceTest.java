package io.manifoldsweep.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.CliProcess;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cells that survive: a cell killed mid-run resumes from its last resume point and commits the same
 * tables as an uninterrupted run; one driver per folder; stale leases; SIGTERM of a running sweep.
 */
class FaultToleranceTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    // two attempts per task, as a cluster retries a lost executor's tasks
    spark = TestSessions.local("local[2,2]", "FaultToleranceTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String yaml(String name, int steps, int seeds) {
    return """
        name: %s
        task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
        model: {layers: 1, d_model: 16, heads: 2}
        train: {steps: %d, batch_size: 32, lr: 3.0e-3, init_seed: {range: [0, %d]}}
        record: {snapshot_every: 20, eval_every: 60, eval_examples: 64, probe_examples: 16, commutator_every: 50, commutator_pairs: 2,
                 resume_every: 50, checkpoints: [0.1, 0.5]}
        """
        .formatted(name, steps, seeds);
  }

  private static long parquetFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(
              p ->
                  p.getFileName().toString().endsWith(".parquet")
                      && !p.getFileName().toString().startsWith("."))
          .count();
    }
  }

  private static Dataset<Row> table(Path dir, String table) {
    return spark.read().parquet(dir.resolve(table).toString());
  }

  @Test
  void aKilledCellResumesAndCommitsTheTablesOfAnUninterruptedRun(@TempDir Path tmp)
      throws IOException {
    SweepSpec spec = SweepSpec.parse(yaml("resume", 300, 2), "resume.yaml");
    List<CellSpec> cells = spec.cells();
    String killed = cells.get(0).cellId();
    Path whole = tmp.resolve("whole");
    Path interrupted = tmp.resolve("interrupted");
    new SweepJob(spark, TestOutput.discarded(), 60_000)
        .run(spec, cells, whole.toString(), SweepHooks.NONE);
    SweepJob.Outcome o =
        new SweepJob(spark, TestOutput.discarded(), 60_000)
            .run(
                spec,
                cells,
                interrupted.toString(),
                new SweepHooks(Set.of(), Map.of(killed, 130L), Set.of()));
    assertThat(o.count("ok")).isEqualTo(2);

    for (String t :
        List.of(Tables.SNAPSHOTS, Tables.METRICS, Tables.COMMUTATORS, Tables.CHECKPOINTS)) {
      Dataset<Row> a = table(whole, t);
      Dataset<Row> b = table(interrupted, t);
      assertThat(b.count()).as("%s rows", t).isEqualTo(a.count()).isPositive();
      assertThat(a.exceptAll(b).count())
          .as("%s rows of the uninterrupted run missing after the resume", t)
          .isZero();
      assertThat(b.exceptAll(a).count())
          .as("%s rows after the resume that the uninterrupted run lacks", t)
          .isZero();
      assertThat(parquetFiles(interrupted.resolve(t))).as("one %s file per cell", t).isEqualTo(2);
    }
    Row run =
        table(interrupted, Tables.RUNS)
            .where("cell_id = '" + killed + "'")
            .select("resumes", "resumed_from", "steps_trained", "attempt")
            .first();
    assertThat(run.getInt(0)).isEqualTo(1);
    assertThat(run.getString(1))
        .as("resumed from the last resume point before the kill")
        .isEqualTo("100");
    assertThat(run.getLong(2)).as("the second attempt trained only what was left").isEqualTo(200);
    assertThat(run.getInt(3)).isEqualTo(1);
    Row other =
        table(interrupted, Tables.RUNS)
            .where("cell_id <> '" + killed + "'")
            .select("resumes", "steps_trained")
            .first();
    assertThat(other.getInt(0)).isZero();
    assertThat(other.getLong(1)).isEqualTo(300);
    assertThat(interrupted.resolve("_resume").resolve(killed))
        .as("resume points removed at commit")
        .doesNotExist();
    assertThat(interrupted.resolve("_lease.json")).doesNotExist();
  }

  @Test
  void aStaleLeaseIsTakenOverAndALiveOneRefused(@TempDir Path tmp) throws Exception {
    SweepSpec spec = SweepSpec.parse(yaml("lease", 40, 1), "lease.yaml");
    Path dir = tmp.resolve("stale");
    Files.createDirectories(dir);
    long tenMinutesAgo = System.currentTimeMillis() - 600_000;
    Files.writeString(
        dir.resolve("_lease.json"),
        "{\"id\":\"x\",\"host\":\"elsewhere\",\"pid\":1,\"started_at_ms\":"
            + tenMinutesAgo
            + ",\"heartbeat_ms\":"
            + tenMinutesAgo
            + ",\"command\":\"sweep lease\"}");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SweepJob.Outcome o =
        new SweepJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8), 60_000)
            .run(spec, spec.cells(), dir.toString(), SweepHooks.NONE);
    assertThat(o.count("ok")).isEqualTo(1);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("taking over the lease", "sweep lease on elsewhere (pid 1", "heartbeat stopped");
    assertThat(dir.resolve("_lease.json")).doesNotExist();

    Path live = tmp.resolve("live");
    Files.createDirectories(live);
    long now = System.currentTimeMillis();
    long me = ProcessHandle.current().pid();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(
        live.resolve("_lease.json"),
        "{\"id\":\"y\",\"host\":\""
            + host
            + "\",\"pid\":"
            + me
            + ",\"started_at_ms\":"
            + now
            + ",\"heartbeat_ms\":"
            + now
            + ",\"command\":\"sweep other\"}");
    assertThatThrownBy(
            () ->
                new SweepJob(spark, TestOutput.discarded(), 60_000)
                    .run(spec, spec.cells(), live.toString(), SweepHooks.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is in use by sweep other on " + host + " (pid " + me)
        .hasMessageContaining("last seen 0 s ago");
    assertThat(live.resolve("runs")).as("nothing written by the refused driver").doesNotExist();
    assertThat(live.resolve("_sweep.json")).doesNotExist();

    Path dead = tmp.resolve("dead");
    Files.createDirectories(dead);
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Files.writeString(
        dead.resolve("_lease.json"),
        "{\"id\":\"z\",\"host\":\""
            + host
            + "\",\"pid\":"
            + gone.pid()
            + ",\"started_at_ms\":"
            + now
            + ",\"heartbeat_ms\":"
            + now
            + ",\"command\":\"sweep crashed\"}");
    ByteArrayOutputStream log2 = new ByteArrayOutputStream();
    new SweepJob(spark, new PrintStream(log2, true, StandardCharsets.UTF_8), 60_000)
        .run(spec, spec.cells(), dead.toString(), SweepHooks.NONE);
    assertThat(log2.toString(StandardCharsets.UTF_8))
        .contains("taking over the lease", "no longer running");
  }

  static void waitFor(Path what, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!Files.exists(what) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(what).as("%s appeared; the driver said:%n%s", what, Files.readString(log)).exists();
  }

  @Test
  void aSecondDriverIsRefusedAndTheFirstFinishesEveryCellOnce(@TempDir Path tmp) throws Exception {
    Path config = tmp.resolve("two.yaml");
    Files.writeString(config, yaml("two", 600, 3));
    Path dir = tmp.resolve("two");
    Path log = tmp.resolve("first.log");
    Process first =
        CliProcess.start(
            log,
            List.of(),
            "sweep",
            config.toString(),
            "--out",
            dir.toString(),
            "--master",
            "local[1]",
            "--progress-seconds",
            "1");
    waitFor(dir.resolve("_progress"), first, log);
    SweepSpec spec = SweepSpec.parse(Files.readString(config), config.toString());
    assertThatThrownBy(
            () ->
                new SweepJob(spark, TestOutput.discarded(), 60_000)
                    .run(spec, spec.cells(), dir.toString(), SweepHooks.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is in use by sweep two on")
        .hasMessageContaining("(pid " + first.pid())
        .hasMessageContaining("last seen");
    assertThat(first.waitFor(300, TimeUnit.SECONDS)).as("first driver finished").isTrue();
    assertThat(first.exitValue()).as(Files.readString(log)).isZero();
    for (String t :
        List.of(
            Tables.RUNS,
            Tables.SNAPSHOTS,
            Tables.METRICS,
            Tables.COMMUTATORS,
            Tables.CHECKPOINTS)) {
      assertThat(parquetFiles(dir.resolve(t))).as("%s files", t).isEqualTo(3);
    }
    assertThat(
            table(dir, Tables.SNAPSHOTS)
                .groupBy("cell_id", "step", "block")
                .count()
                .where("count > 1")
                .count())
        .isZero();
  }

  @Test
  void sigtermStopsTheSweepAndTheNextRunCompletesIt(@TempDir Path tmp) throws Exception {
    Path config = tmp.resolve("term.yaml");
    Files.writeString(config, yaml("term", 600, 3));
    Path dir = tmp.resolve("term");
    Path log = tmp.resolve("term.log");
    Process driver =
        CliProcess.start(
            log,
            List.of(),
            "sweep",
            config.toString(),
            "--out",
            dir.toString(),
            "--master",
            "local[1]",
            "--progress-seconds",
            "1");
    // wait for a cell's resume point, then stop the driver as a batch system or a user would
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!hasResumePoint(dir) && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(hasResumePoint(dir)).as(Files.readString(log)).isTrue();
    driver.destroy();
    assertThat(driver.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(log);
    assertThat(driver.exitValue()).as(said).isEqualTo(143);
    assertThat(said).contains("SIGTERM received", "Resume with: submit/sweep " + config);
    assertThat(dir.resolve("_lease.json")).as("lease released").doesNotExist();
    long before = parquetFiles(dir.resolve(Tables.RUNS));
    assertThat(before).as("cells left for the next run").isLessThan(3);

    SweepSpec spec = SweepSpec.parse(Files.readString(config), config.toString());
    SweepJob.Outcome again =
        new SweepJob(spark, TestOutput.discarded(), 60_000)
            .run(spec, spec.cells(), dir.toString(), SweepHooks.NONE);
    assertThat(again.count("ok") + again.skipped()).isEqualTo(3);
    for (String t :
        List.of(
            Tables.RUNS,
            Tables.SNAPSHOTS,
            Tables.METRICS,
            Tables.COMMUTATORS,
            Tables.CHECKPOINTS)) {
      assertThat(parquetFiles(dir.resolve(t))).as("%s files", t).isEqualTo(3);
    }
    assertThat(table(dir, Tables.RUNS).where("resumes >= 1").count())
        .as("the interrupted cell continued from its resume point")
        .isPositive();
    assertThat(
            table(dir, Tables.SNAPSHOTS)
                .groupBy("cell_id", "step", "block")
                .count()
                .where("count > 1")
                .count())
        .isZero();
  }

  private static boolean hasResumePoint(Path dir) throws IOException {
    Path resume = dir.resolve("_resume");
    if (!Files.isDirectory(resume)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(resume)) {
      return s.anyMatch(
          p -> p.getFileName().toString().startsWith("state-") && !p.toString().endsWith(".tmp"));
    } catch (UncheckedIOException e) {
      // the running driver renames and deletes files under the walk; the caller polls again
      if (e.getCause() instanceof NoSuchFileException) {
        return false;
      }
      throw e;
    }
  }
}
