package io.manifoldsweep.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.SubmitScripts;
import io.manifoldsweep.jobs.SubmitScripts.Result;
import io.manifoldsweep.jobs.TestOutput;
import io.manifoldsweep.jobs.table.FolderLease;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cells on YARN, the way a user gets there: a MiniDFSCluster and a MiniYARNCluster (a
 * ResourceManager and a NodeManager) in this JVM, their configuration written to a folder as a
 * cluster's {@code HADOOP_CONF_DIR}, and {@code submit/sweep --master yarn} with {@code
 * conf/spark/yarn.properties}, in client and in cluster deploy mode. The cells train in YARN
 * containers with the native environment the scripts set and commit to HDFS.
 */
class YarnIT {
  static final long STEP_TIMEOUT_S = 600;

  @TempDir static Path tmp;

  static MiniDFSCluster dfs;
  static MiniYARNCluster yarn;
  static FileSystem fs;
  static String hdfs;
  static Path config;
  static SubmitScripts scripts;
  static String sparkJars;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    dfs = HdfsIT.startDfs(conf, tmp.resolve("dfs"));
    fs = dfs.getFileSystem();
    hdfs = dfs.getURI().toString();

    YarnConfiguration yc = new YarnConfiguration(conf);
    yc.set("fs.defaultFS", hdfs);
    // what the NodeManager offers is bookkeeping: the containers' JVMs take what they use, and a
    // sweep of two small cells uses far less than the recipe's executor sizes
    yc.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 16384);
    yc.setInt(YarnConfiguration.NM_VCORES, 4);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 16384);
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // the CapacityScheduler's one-queue set-up (the shaded minicluster carries no
    // capacity-scheduler.xml); in cluster mode the application master is the driver, 2.4 GB
    yc.set("yarn.scheduler.capacity.root.queues", "default");
    yc.set("yarn.scheduler.capacity.root.default.capacity", "100");
    yc.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    yc.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
    // a busy build machine's disk may be fuller than the default 90% that marks a node unhealthy
    yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    // containers start java from JAVA_HOME, which a test JVM's environment may not carry
    yc.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
    yarn = new MiniYARNCluster("YarnIT", 1, 1, 1);
    yarn.init(yc);
    yarn.start();
    Configuration running = yarn.getConfig();
    long deadline = System.currentTimeMillis() + 60_000;
    while (running.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(running.get(YarnConfiguration.RM_ADDRESS))
        .as("the ResourceManager's address once it started")
        .doesNotEndWith(":0");

    Path hadoopConf = Files.createDirectories(tmp.resolve("hadoop-conf"));
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfs);
    write(core, hadoopConf.resolve("core-site.xml"));
    // what a cluster's yarn-site.xml tells its clients: where the ResourceManager listens (the
    // running configuration also names test classes a client does not have)
    Configuration site = new Configuration(false);
    for (String key :
        List.of(
            YarnConfiguration.RM_ADDRESS,
            YarnConfiguration.RM_SCHEDULER_ADDRESS,
            YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
            YarnConfiguration.RM_ADMIN_ADDRESS,
            YarnConfiguration.RM_WEBAPP_ADDRESS)) {
      site.set(key, running.get(key));
    }
    write(site, hadoopConf.resolve("yarn-site.xml"));

    scripts =
        new SubmitScripts(
            tmp,
            Map.of(
                "MS_JAVA_OPTS",
                "-Xmx1g",
                "HADOOP_CONF_DIR",
                hadoopConf.toString(),
                "MS_SPARK_PROPERTIES",
                SubmitScripts.PROJECT.resolve("conf/spark/yarn.properties").toString()),
            STEP_TIMEOUT_S);
    // the runtime on HDFS once, as the settings file advises; client mode goes without it
    org.apache.hadoop.fs.Path jars = new org.apache.hadoop.fs.Path(hdfs + "/apps/spark-jars");
    for (String jar :
        Files.readString(SubmitScripts.PROJECT.resolve("jobs/target/spark-runtime.classpath"))
            .trim()
            .split(":")) {
      fs.copyFromLocalFile(
          new org.apache.hadoop.fs.Path(jar),
          new org.apache.hadoop.fs.Path(jars, Path.of(jar).getFileName().toString()));
    }
    sparkJars = "spark.yarn.jars=" + jars + "/*.jar";
    config = tmp.resolve("yarn.yaml");
    Files.writeString(
        config,
        """
        name: yarn
        task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
        model: {layers: 1, d_model: 16, heads: 2}
        train: {steps: 400, batch_size: 32, lr: 3.0e-3, init_seed: {range: [0, 2]}}
        record: {snapshot_every: 100, eval_every: 200, eval_examples: 64, probe_examples: 16,
                 commutator_every: 200, commutator_pairs: 2}
        """);
  }

  static void write(Configuration c, Path file) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (yarn != null) {
      yarn.stop();
      // the NodeManager's folders hold a copy of the jars per container, about 1 GB a run
      FileUtils.deleteDirectory(yarn.getTestWorkDir());
    }
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  void cellsTrainInYarnContainersInClientAndClusterModeAndCommitToHdfs() throws Exception {
    String client = hdfs + "/results/yarn-client";
    Result c = sweep(client);
    assertThat(c.exit()).as(c.output()).isZero();
    assertThat(c.output()).contains("2 ok");
    String cluster = hdfs + "/results/yarn-cluster";
    Result k = sweep(cluster, "--deploy-mode", "cluster", "--conf", sparkJars);
    assertThat(k.exit()).as(k.output()).isZero();

    // one query (one JVM) over both folders: where each cell trained, and whether the two modes'
    // snapshots differ anywhere
    String rows =
        scripts.query(
            client,
            ("SELECT r.*, d.compared, d.differing FROM ("
                    + " SELECT status, spark_app, executor, native_threads, native_env FROM parquet.`%1$s/runs`"
                    + " UNION ALL"
                    + " SELECT status, spark_app, executor, native_threads, native_env FROM parquet.`%2$s/runs`) r"
                    + " CROSS JOIN (SELECT count(*) AS compared, count_if(a.h IS DISTINCT FROM b.h) AS differing"
                    + "  FROM (SELECT cell_id, step, block, hash(values) AS h FROM parquet.`%1$s/snapshots`) a"
                    + "  FULL OUTER JOIN (SELECT cell_id, step, block, hash(values) AS h FROM parquet.`%2$s/snapshots`) b"
                    + "  USING (cell_id, step, block)) d")
                .formatted(client, cluster));
    List<String[]> cells =
        rows.lines().filter(l -> l.startsWith("ok,")).map(l -> l.split(",")).toList();
    assertThat(cells).as(rows).hasSize(4);
    for (String[] f : cells) {
      assertThat(f[1]).as("a YARN application").startsWith("application_");
      assertThat(f[2]).as("an executor in a container, not the driver").isNotEqualTo("driver");
      assertThat(f[3]).as("native threads").isEqualTo("1");
      assertThat(f[4])
          .isEqualTo("OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE");
      assertThat(Long.parseLong(f[5])).as("snapshots compared").isPositive();
      assertThat(f[6]).as("snapshots that differ between the modes").isEqualTo("0");
    }

    // a driver in a container that stops with an error: the application fails, the command too
    try (FolderLease held =
        FolderLease.acquire(
            fs,
            new org.apache.hadoop.fs.Path(cluster),
            "a test's driver",
            TestOutput.discarded())) {
      Result refused = sweep(cluster, "--deploy-mode", "cluster", "--conf", sparkJars);
      assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
      assertThat(refused.output())
          .contains("finished with failed status", "manifold-sweep stopped with exit status 2");
    }
  }

  @Test
  void executorsLargerThanANodeAreReportedWithWhereTheReasonIs() throws Exception {
    // spark-submit checks an executor's memory against the cluster's limit before it submits, not
    // its cores: the application master's request fails and YARN ends the application
    String out = hdfs + "/results/too-large";
    Result r = sweep(out, "--conf", "spark.executor.cores=8", "--conf", sparkJars);
    assertThat(r.exit()).as(r.output()).isEqualTo(1);
    assertThat(r.output())
        .contains(
            "YARN ended the application before its executors came up",
            "the ResourceManager's reason is in the log named above",
            "spark.executor.cores");
    assertThat(r.output().lines())
        .as("no stack trace on the console")
        .noneMatch(l -> l.startsWith("\tat "));
    String log = r.output().replaceAll("(?s).*warnings and stack traces: (\\S+).*", "$1");
    assertThat(Files.readString(Path.of(log)))
        .contains("greater than maximum allowed allocation", "vCores:8");
    org.apache.hadoop.fs.Path runs = new org.apache.hadoop.fs.Path(out + "/runs");
    assertThat(fs.exists(runs) ? fs.listStatus(runs) : new FileStatus[0]).isEmpty();
  }

  /** {@code submit/sweep} of the test's cells to {@code out} on YARN, with more arguments. */
  static Result sweep(String out, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("submit/sweep", config.toString(), "--out", out, "--master", "yarn"));
    args.addAll(List.of(more));
    return scripts.run(args.toArray(String[]::new));
  }
}
