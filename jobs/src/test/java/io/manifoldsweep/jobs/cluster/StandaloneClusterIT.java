package io.manifoldsweep.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.SubmitScripts;
import io.manifoldsweep.jobs.SubmitScripts.Result;
import io.manifoldsweep.jobs.TestFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submit/ scripts against a real Spark standalone cluster on 127.0.0.1 with authentication on:
 * client and cluster deploy mode, a killed driver, a killed worker. Each step is bounded in time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  static final long STEP_TIMEOUT_S = 300;

  /**
   * These tests check the cluster's plumbing; the SAEs' quality has tests of its own. At the
   * default 3,000 steps the SAE part of each analyze run took a minute for the four tiny cells, at
   * 200 half that.
   */
  static final String SHORT_SAE = "sae.steps=200";

  @TempDir static Path tmp;

  static String master;
  static SubmitScripts scripts;
  static Path config;

  @BeforeAll
  static void startCluster() throws Exception {
    int port = freePort();
    scripts =
        new SubmitScripts(
            tmp,
            Map.of(
                "MS_CLUSTER_DIR",
                tmp.resolve("cluster").toString(),
                "MS_MASTER_PORT",
                String.valueOf(port),
                "MS_MASTER_UI_PORT",
                String.valueOf(freePort()),
                "MS_SPARK_PROPERTIES",
                tmp.resolve("cluster").resolve("spark.properties").toString(),
                "MS_JAVA_OPTS",
                "-Xmx1g"),
            STEP_TIMEOUT_S);
    master = "spark://127.0.0.1:" + port;
    config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TestFiles.tinyYaml());
    Result up =
        scripts.run(
            "submit/local-cluster", "start", "--workers", "2", "--cores", "1", "--memory", "2g");
    assertThat(up.exit()).as(up.output()).isZero();
    String props = Files.readString(tmp.resolve("cluster").resolve("spark.properties"));
    assertThat(props).contains("spark.authenticate true");
    for (Path log :
        List.of(
            tmp.resolve("cluster").resolve("master.log"),
            tmp.resolve("cluster").resolve("worker-1.log"))) {
      assertThat(Files.readString(log))
          .as("secret kept out of %s", log)
          .doesNotContain(secret(props));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    Result down = scripts.run("submit/local-cluster", "stop");
    assertThat(down.exit()).isZero();
    assertThat(tmp.resolve("cluster")).doesNotExist();
  }

  static String secret(String props) {
    return props
        .lines()
        .filter(l -> l.startsWith("spark.authenticate.secret"))
        .findFirst()
        .orElseThrow()
        .split(" ")[1];
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static long files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  /** The metric tables and the SAE ones, whose tasks also ran on the cluster's executors. */
  static void assertAnalysed(Path out) throws IOException {
    for (String table : List.of("dimensions", "sae", "sae_latents", "manifold_ablation")) {
      assertThat(files(out.resolve(table))).as("%s files in %s", table, out).isPositive();
    }
  }

  static void assertEveryCellOnce(Path out, int cells) throws IOException {
    for (String table : List.of("runs", "snapshots", "metrics", "commutators")) {
      assertThat(files(out.resolve(table))).as("%s files in %s", table, out).isEqualTo(cells);
    }
  }

  @Test
  @Order(1)
  void sweepAndAnalysisInClientMode() throws Exception {
    Path out = tmp.resolve("client");
    Result sweep =
        scripts.run("submit/sweep", config.toString(), "--out", out.toString(), "--master", master);
    assertThat(sweep.exit()).as(sweep.output()).isZero();
    assertThat(sweep.output()).contains("4 ok, 0 diverged, 0 failed");
    assertEveryCellOnce(out, 4);
    Result analyze =
        scripts.run("submit/analyze", out.toString(), "--master", master, "--set", SHORT_SAE);
    assertThat(analyze.exit()).as(analyze.output()).isZero();
    assertAnalysed(out);
  }

  @Test
  @Order(2)
  void sweepInClusterMode() throws Exception {
    Path out = tmp.resolve("cluster-mode");
    Result sweep =
        scripts.run(
            "submit/sweep",
            config.toString(),
            "--out",
            out.toString(),
            "--master",
            master,
            "--deploy-mode",
            "cluster",
            "--conf",
            "spark.standalone.submit.waitAppCompletion=true");
    assertThat(sweep.exit()).as(sweep.output()).isZero();
    assertEveryCellOnce(out, 4);
    Result analyze =
        scripts.run(
            "submit/analyze",
            out.toString(),
            "--master",
            master,
            "--deploy-mode",
            "cluster",
            "--conf",
            "spark.standalone.submit.waitAppCompletion=true",
            "--set",
            SHORT_SAE);
    assertThat(analyze.exit()).as(analyze.output()).isZero();
    assertAnalysed(out);
  }

  /**
   * Longer cells with resume points, so that a kill lands in the middle of the sweep and of cells.
   */
  static Path slowConfig() throws IOException {
    Path slow = tmp.resolve("slow.yaml");
    Files.writeString(
        slow,
        Files.readString(config)
            .replace("name: tiny", "name: slow")
            .replace("steps: 60", "steps: 600")
            .replace("init_seed: [0, 1]", "init_seed: [0, 1, 2]")
            .replace("record: {", "record: {resume_every: 100, "));
    return slow;
  }

  /** Cells with a resume point in {@code out} (each has a state file in its resume area). */
  static long cellsWithResumePoints(Path out) throws IOException {
    Path resume = out.resolve("_resume");
    if (!Files.isDirectory(resume)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> cells = Files.list(resume)) {
      for (Path cell : cells.toList()) {
        try (Stream<Path> files = Files.list(cell)) {
          n += files.anyMatch(f -> f.getFileName().toString().matches("state-\\d+")) ? 1 : 0;
        } catch (IOException e) {
          // the cell committed and its area went away meanwhile
        }
      }
    }
    return n;
  }

  @Test
  @Order(3)
  void killedDriverResumesWithOnlyTheMissingCells() throws Exception {
    Path out = tmp.resolve("driver-kill");
    Path log = tmp.resolve("driver-kill.log");
    Process driver =
        scripts.start(
            log,
            "submit/sweep",
            slowConfig().toString(),
            "--out",
            out.toString(),
            "--master",
            master,
            "--progress-seconds",
            "2");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_S);
    while (files(out.resolve("runs")) < 1 && System.nanoTime() < deadline && driver.isAlive()) {
      Thread.sleep(500);
    }
    assertThat(files(out.resolve("runs"))).as("a cell committed before the kill").isPositive();
    driver.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    long committedAtKill = files(out.resolve("runs"));
    assertThat(committedAtKill).as("the kill left cells to do").isLessThan(6);
    Result again =
        scripts.run(
            "submit/sweep", slowConfig().toString(), "--out", out.toString(), "--master", master);
    assertThat(again.exit()).as(again.output()).isZero();
    // executors on the workers may still commit a running cell before they notice the driver died
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("6 cells, (\\d+) already finished in .*, (\\d+) to train")
            .matcher(again.output());
    assertThat(m.find()).as(again.output()).isTrue();
    long finished = Long.parseLong(m.group(1));
    long trained = Long.parseLong(m.group(2));
    assertThat(finished).isGreaterThanOrEqualTo(committedAtKill).isLessThan(6);
    assertThat(trained).isEqualTo(6 - finished);
    assertThat(again.output())
        .contains("done: " + trained + " ok, 0 diverged, 0 failed, " + finished + " skipped");
    assertEveryCellOnce(out, 6);
  }

  @Test
  @Order(4)
  void killedWorkerStillFinishesEveryCellOnce() throws Exception {
    Path out = tmp.resolve("worker-kill");
    Path log = tmp.resolve("worker-kill.log");
    Process driver =
        scripts.start(
            log,
            "submit/sweep",
            slowConfig().toString(),
            "--out",
            out.toString(),
            "--master",
            master,
            "--progress-seconds",
            "2");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_S);
    // both workers' running cells have a resume point, so the cell that dies continues from it
    while ((files(out.resolve("runs")) < 1 || cellsWithResumePoints(out) < 2)
        && System.nanoTime() < deadline
        && driver.isAlive()) {
      Thread.sleep(200);
    }
    long pid =
        Long.parseLong(Files.readString(tmp.resolve("cluster").resolve("worker-1.pid")).trim());
    ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
    // the worker's executor is its child: a machine that dies takes both, and the tasks running
    // there
    List<ProcessHandle> executors = worker.descendants().toList();
    assertThat(executors).as("worker 1 runs an executor of the sweep").isNotEmpty();
    worker.destroyForcibly();
    executors.forEach(ProcessHandle::destroyForcibly);
    assertThat(driver.waitFor(STEP_TIMEOUT_S, TimeUnit.SECONDS))
        .as("sweep finished after the worker died")
        .isTrue();
    assertThat(driver.exitValue()).as(Files.readString(log)).isZero();
    assertEveryCellOnce(out, 6);

    // the dead worker's cell went on from its resume point elsewhere, and every cell holds exactly
    // what an uninterrupted sweep of the same cells records
    Path reference = tmp.resolve("worker-kill-reference");
    Result whole =
        scripts.run(
            "submit/sweep",
            slowConfig().toString(),
            "--out",
            reference.toString(),
            "--master",
            "local[2]");
    assertThat(whole.exit()).as(whole.output()).isZero();
    org.apache.spark.sql.SparkSession spark =
        org.apache.spark.sql.SparkSession.builder()
            .master("local[1]")
            .appName("compare")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      assertThat(spark.read().parquet(out.resolve("runs").toString()).where("resumes >= 1").count())
          .as("a cell resumed after its worker died")
          .isPositive();
      for (String table : List.of("snapshots", "metrics", "commutators", "checkpoints")) {
        var a = spark.read().parquet(out.resolve(table).toString());
        var b = spark.read().parquet(reference.resolve(table).toString());
        assertThat(a.count()).as("%s rows", table).isEqualTo(b.count());
        assertThat(a.exceptAll(b).count())
            .as("%s rows that differ from the uninterrupted sweep", table)
            .isZero();
      }
    } finally {
      spark.stop();
    }
  }
}
