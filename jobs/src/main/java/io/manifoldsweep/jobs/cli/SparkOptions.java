package io.manifoldsweep.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The Spark options every Spark command takes, and the session they describe. */
public final class SparkOptions {
  /**
   * local, local[k], local[*], each optionally with ",retries"; k in group 1 (a larger k is Spark's
   * to refuse).
   */
  private static final Pattern LOCAL =
      Pattern.compile("local(?:\\[(\\*|\\d{1,9})(?:,\\s*\\d+)?\\])?");

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else local[*]).")
  String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "Extra Spark setting; repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = "--verbose",
      description = "Spark's and Hadoop's INFO lines too (default: warnings only).")
  boolean verbose;

  SparkSession session(String appName) {
    return SparkSessions.create(appName, master, conf, verbose ? "INFO" : "WARN");
  }

  /**
   * Refuses, before Spark starts, a sweep whose cells cannot fit one executor: in local mode the
   * executor is this JVM (its heap and as much again off-heap, JavaCPP's default bound); on a
   * cluster spark.executor.memory plus its overhead. The executor's memory is shared by the cells
   * it trains at once ({@link #concurrentCells}).
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
      long overhead =
          sc.contains("spark.executor.memoryOverhead")
              ? sc.getSizeAsBytes("spark.executor.memoryOverhead")
              : Math.max(384L << 20, memory / 10);
      budget = memory + overhead;
      where =
          "an executor (spark.executor.memory="
              + sc.get("spark.executor.memory", "1g")
              + " plus overhead)";
    }
    int atOnce = concurrentCells(m, sc);
    if (atOnce > 1) {
      budget /= atOnce;
      where = "a cell's share of " + where + ", which trains " + atOnce + " cells at once";
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (io.manifoldsweep.sweep.CellSpec c : cells) {
      String shape =
          c.config().model()
              + " "
              + c.config().train().batchSize()
              + " "
              + c.config().train().precision()
              + " "
              + c.config().record();
      if (seen.add(shape)) {
        io.manifoldsweep.train.CellMemory.check(
            c.config(),
            budget,
            where,
            c.axes().isEmpty() ? "the sweep's cell" : "the cell " + c.axes());
      }
    }
  }

  /**
   * Cells one executor trains at once: its cores over {@code spark.task.cpus}. In local mode the
   * cores are local[k]'s k (local[*]: this machine's); on a cluster {@code spark.executor.cores},
   * or one task's worth where it is unset and the cluster manager decides.
   */
  static int concurrentCells(String master, SparkConf sc) {
    int taskCpus = Math.max(1, sc.getInt("spark.task.cpus", 1));
    int cores;
    Matcher local = LOCAL.matcher(master.trim());
    if (local.matches()) {
      String k = local.group(1);
      cores =
          k == null
              ? 1
              : k.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(k);
    } else {
      cores = sc.getInt("spark.executor.cores", taskCpus);
    }
    return Math.max(1, cores / taskCpus);
  }
}
