package io.manifoldsweep.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.SubmitScripts;
import io.manifoldsweep.jobs.SubmitScripts.Result;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.table.FolderLease;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results on HDFS, the way a user gets there: a MiniDFSCluster (a NameNode and a DataNode in this
 * JVM) and the submit/ scripts with {@code --out hdfs://...}. The sweep commits every table there,
 * with the snapshots of a {@code file://} run of the same cells; a sweep killed mid-cell resumes
 * from its resume point on HDFS; a second driver is refused by the lease; verify, analyze, query
 * and report work on the folder.
 */
class HdfsIT {
  static final long STEP_TIMEOUT_S = 300;

  @TempDir static Path tmp;

  static MiniDFSCluster dfs;
  static FileSystem fs;
  static String hdfs;
  static Path config;
  static SubmitScripts scripts;

  @BeforeAll
  static void start() throws Exception {
    dfs = startDfs(new Configuration(), tmp.resolve("dfs"));
    fs = dfs.getFileSystem();
    hdfs = dfs.getURI().toString();
    scripts = new SubmitScripts(tmp, Map.of("MS_JAVA_OPTS", "-Xmx1g"), STEP_TIMEOUT_S);
    config = tmp.resolve("hdfs.yaml");
    // 3,000 steps with a resume point every 200: long enough to be killed between two of them
    Files.writeString(
        config,
        """
        name: hdfs
        task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
        model: {layers: 1, d_model: 16, heads: 2}
        train: {steps: 3000, batch_size: 32, lr: 3.0e-3, init_seed: {range: [0, 2]}}
        record: {snapshot_every: 100, eval_every: 500, eval_examples: 64, probe_examples: 16,
                 commutator_every: 500, commutator_pairs: 2, resume_every: 200, checkpoints: [0.5]}
        """);
  }

  /** A NameNode and one DataNode in this JVM, their files under {@code base}. */
  static MiniDFSCluster startDfs(Configuration conf, Path base) throws IOException {
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    return cluster;
  }

  @AfterAll
  static void stop() {
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  /** Every snapshot's hash, a line per cell, step and block: equal folders, equal answers. */
  static final String SNAPSHOT_HASHES =
      "SELECT cell_id, step, block, hash(values) AS h FROM snapshots ORDER BY 1, 2, 3";

  @Test
  void aSweepOnHdfsCommitsResumesVerifiesAndIsAnalysed() throws Exception {
    String out = hdfs + "/results/hdfs";
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(URI.create(out));

    // killed once a cell has left a resume point on HDFS, then run again to the end
    Path log = tmp.resolve("killed.log");
    Process killed =
        scripts.start(log, "submit/sweep", config.toString(), "--out", out, "--master", "local[2]");
    org.apache.hadoop.fs.Path resume = new org.apache.hadoop.fs.Path(root, "_resume");
    long deadline = System.currentTimeMillis() + STEP_TIMEOUT_S * 1000;
    while (!hasResumePoint(resume) && System.currentTimeMillis() < deadline && killed.isAlive()) {
      Thread.sleep(200);
    }
    assertThat(hasResumePoint(resume)).as(Files.readString(log)).isTrue();
    killed.destroyForcibly().waitFor();
    Result resumed =
        scripts.run("submit/sweep", config.toString(), "--out", out, "--master", "local[2]");
    assertThat(resumed.exit()).as(resumed.output()).isZero();
    assertThat(scripts.query(out, "SELECT sum(resumes) AS r FROM runs"))
        .as(Files.readString(log) + resumed.output())
        .containsPattern("r\n[1-9]");
    for (String table : List.of("runs", "snapshots", "metrics", "commutators", "checkpoints")) {
      assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(root, table)))
          .as("%s files on HDFS", table)
          .filteredOn(f -> f.getPath().getName().endsWith(".parquet"))
          .hasSize(2);
    }
    assertThat(fs.exists(resume) ? fs.listStatus(resume) : new FileStatus[0])
        .as("resume points removed at commit")
        .isEmpty();

    String local = tmp.resolve("local").toString();
    Result reference =
        scripts.run("submit/sweep", config.toString(), "--out", local, "--master", "local[2]");
    assertThat(reference.exit()).as(reference.output()).isZero();
    assertThat(scripts.query(out, SNAPSHOT_HASHES))
        .as("snapshots on HDFS, after a kill")
        .isEqualTo(scripts.query(local, SNAPSHOT_HASHES));

    Result verify = scripts.run("submit/verify", out);
    assertThat(verify.exit()).as(verify.output()).isZero();
    assertThat(verify.output()).contains("2 cells checked: none damaged");

    Result analyze = scripts.run("submit/analyze", out, "--skip-sae", "--master", "local[2]");
    assertThat(analyze.exit()).as(analyze.output()).isZero();

    try (FolderLease held =
        FolderLease.acquire(fs, root, "a test's driver", TestOutput.discarded())) {
      Result refused =
          scripts.run("submit/sweep", config.toString(), "--out", out, "--master", "local[1]");
      assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
      assertThat(refused.output()).contains("is in use by a test's driver");
    }

    assertThat(scripts.query(out, "SELECT count(DISTINCT cell_id) AS n FROM dimensions"))
        .isEqualTo("n\n2\n");
    Result report = scripts.run("submit/report", out);
    assertThat(report.exit()).as(report.output()).isZero();
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(root, "report/index.html"))).isTrue();
  }

  static boolean hasResumePoint(org.apache.hadoop.fs.Path resume) throws IOException {
    if (!fs.exists(resume)) {
      return false;
    }
    // a point is committed once its state file is in place (CellResume)
    for (FileStatus cell : fs.listStatus(resume)) {
      for (FileStatus f : fs.listStatus(cell.getPath())) {
        String name = f.getPath().getName();
        if (name.startsWith("state-") && !name.endsWith(".tmp")) {
          return true;
        }
      }
    }
    return false;
  }
}
