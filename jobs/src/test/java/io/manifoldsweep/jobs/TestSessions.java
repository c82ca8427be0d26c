package io.manifoldsweep.jobs;

import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import org.apache.spark.sql.SparkSession;

/** The one local SparkSession a test class shares, with the file:// FileSystem the commands use. */
public final class TestSessions {
  private TestSessions() {}

  public static SparkSession local(String master, String appName) {
    return SparkSession.builder()
        .master(master)
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config(ForklessLocalFileSystem.SPARK_SETTING, ForklessLocalFileSystem.class.getName())
        .getOrCreate();
  }
}
