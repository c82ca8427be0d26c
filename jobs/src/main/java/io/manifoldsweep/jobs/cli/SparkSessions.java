package io.manifoldsweep.jobs.cli;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a command. Under spark-submit the master and settings come from it;
 * run directly (java -cp), the session defaults to local[*] so a laptop needs nothing installed.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(String appName, String master, Map<String, String> settings) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null) {
      b.master(master);
    } else if (!conf.contains("spark.master")) {
      b.master("local[*]");
    }
    // the sweep prints its own per-cell progress; Spark's console bar would interleave with it
    b.config("spark.ui.showConsoleProgress", "false");
    settings.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
