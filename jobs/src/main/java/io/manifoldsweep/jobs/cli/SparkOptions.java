package io.manifoldsweep.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The Spark options every Spark command takes, and the session they describe. */
public final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting; repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(names = "--verbose", description = "Spark's and Hadoop's INFO lines too (default: warnings only).")
  boolean verbose;

  SparkSession session(String appName) {
    return SparkSessions.create(appName, master, conf, verbose ? "INFO" : "WARN");
  }

  /**
   * Refuses, before Spark starts, a sweep whose cells cannot fit one executor: in local mode the
   * executor is this JVM (its heap and as much again off-heap, JavaCPP's default bound); on a
   * cluster spark.executor.memory plus its overhead.
   */
  void checkCellsFit(java.util.List<io.manifoldsweep.sweep.CellSpec> cells) {
    SparkConf sc = new SparkConf();
    conf.forEach(sc::set);
    String m = master != null ? master : sc.get("spark.master", "local[*]");
    double budget;
    String where;
    if (m.startsWith("local")) {
      budget = 2.0 * Runtime.getRuntime().maxMemory();
      where = "this JVM (local mode: -Xmx and as much off-heap)";
    } else {
      long memory = sc.getSizeAsBytes("spark.executor.memory", "1g");
      long overhead = sc.contains("spark.executor.memoryOverhead") ? sc.getSizeAsBytes("spark.executor.memoryOverhead")
          : Math.max(384L << 20, memory / 10);
      budget = memory + overhead;
      where = "an executor (spark.executor.memory=" + sc.get("spark.executor.memory", "1g") + " plus overhead)";
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (io.manifoldsweep.sweep.CellSpec c : cells) {
      String shape = c.config().model() + " " + c.config().train().batchSize() + " " + c.config().train().precision() + " " + c.config().record();
      if (seen.add(shape)) {
        io.manifoldsweep.train.CellMemory.check(c.config(), budget, where, c.axes().isEmpty() ? "the sweep's cell" : "the cell " + c.axes());
      }
    }
  }
}
