package io.manifoldsweep.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The Spark options every Spark command takes, and the session they describe. */
public final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting; repeatable.")
  Map<String, String> conf = new LinkedHashMap<>();

  SparkSession session(String appName) {
    return SparkSessions.create(appName, master, conf);
  }
}
