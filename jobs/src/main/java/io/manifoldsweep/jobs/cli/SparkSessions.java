package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession of a command. Under spark-submit the master and settings come from it;
 * run directly (java -cp), the session defaults to local[*] so a laptop needs nothing installed.
 */
public final class SparkSessions {
  /**
   * Names a properties file holding spark.authenticate.secret; the file, not the secret, travels.
   */
  static final String SECRET_FILE = "spark.manifoldsweep.authenticate.secretFile";

  private SparkSessions() {}

  /**
   * {@link ForklessLocalFileSystem}, unless the submission names a file:// implementation itself.
   */
  static Optional<String> localFileSystem(SparkConf conf) {
    return conf.contains(ForklessLocalFileSystem.SPARK_SETTING)
        ? Optional.empty()
        : Optional.of(ForklessLocalFileSystem.class.getName());
  }

  /**
   * A standalone cluster launches a cluster-mode driver without the application's secret (Spark
   * strips it from the submission and from the worker's environment); the local cluster's settings
   * instead name the file that holds it, readable by its owner only.
   */
  static java.util.Optional<String> authSecretFromFile(SparkConf conf) {
    if (!conf.contains(SECRET_FILE) || conf.contains("spark.authenticate.secret")) {
      return java.util.Optional.empty();
    }
    java.nio.file.Path file = java.nio.file.Path.of(conf.get(SECRET_FILE));
    try {
      for (String line : java.nio.file.Files.readAllLines(file)) {
        if (line.startsWith("spark.authenticate.secret ")) {
          return java.util.Optional.of(
              line.substring("spark.authenticate.secret ".length()).trim());
        }
      }
    } catch (java.io.IOException e) {
      throw new io.manifoldsweep.ConfigException(
          SECRET_FILE, file, "cannot be read: " + e.getMessage());
    }
    throw new io.manifoldsweep.ConfigException(
        SECRET_FILE, file, "holds no spark.authenticate.secret line");
  }

  /**
   * The session of a command, logging at {@code logLevel} (WARN or INFO). A standalone master that
   * refuses the application (the local cluster does without its secret) leaves Spark with a stopped
   * context and a later "Cannot call methods on a stopped SparkContext"; that is reported here,
   * with what to do.
   */
  public static SparkSession create(
      String appName, String master, Map<String, String> settings, String logLevel) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null) {
      b.master(master);
    } else if (!conf.contains("spark.master")) {
      b.master("local[*]");
    }
    // the sweep prints its own per-cell progress; Spark's console bar would interleave with it
    b.config("spark.ui.showConsoleProgress", "false");
    localFileSystem(conf).ifPresent(impl -> b.config(ForklessLocalFileSystem.SPARK_SETTING, impl));
    settings.forEach(b::config);
    authSecretFromFile(conf).ifPresent(secret -> b.config("spark.authenticate.secret", secret));
    SparkSession spark;
    try {
      spark = b.getOrCreate();
    } catch (IllegalArgumentException e) {
      // spark-submit's own checks (executors larger than the cluster's limit): clear as they are
      throw e;
    } catch (Exception e) {
      // Exception: Spark's SparkException is checked in Java's eyes and thrown unchecked
      throw yarnEndedTheApplication(master == null ? conf.get("spark.master", "") : master, e);
    }
    spark.sparkContext().setLogLevel(logLevel);
    String url = spark.sparkContext().master();
    // a refused application is marked dead just after the context returns, and the context stops
    // then
    for (int i = 0;
        i < 50 && url.startsWith("spark://") && !spark.sparkContext().isStopped();
        i++) {
      sleep(100);
    }
    if (spark.sparkContext().isStopped()) {
      throw refused(
          url,
          conf.contains("spark.authenticate.secret")
              || settings.containsKey("spark.authenticate.secret")
              || conf.contains(SECRET_FILE));
    }
    return spark;
  }

  /**
   * YARN ends an application whose executors it cannot schedule while the driver waits for them.
   * Depending on when the driver hears of it, Spark says only that the context stopped, or throws
   * YARN's diagnostics with the ResourceManager's stack trace inside the message; either way the
   * console gets one line, with YARN's reason where Spark passed it on, and the log the rest.
   */
  static RuntimeException yarnEndedTheApplication(String master, Exception e) {
    if (!master.startsWith("yarn")) {
      return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    String reason = Main.rootMessage(e).lines().findFirst().orElse("");
    // Spark's exception is kept as suppressed, not as the cause: the console prints the innermost
    // cause's message, which is the one this replaces
    IllegalStateException ended =
        new IllegalStateException(
            "YARN ended the application before its executors came up"
                + (reason.contains("stopped while waiting for backend") ? "" : " (" + reason + ")")
                + "; the ResourceManager's reason is in the log named above ('Diagnostics message',"
                + " 'Error initializing SparkContext'). A common one: executors larger than any node"
                + " can hold (spark.executor.cores, or spark.executor.memory plus"
                + " spark.executor.memoryOverhead, against yarn.scheduler.maximum-allocation-vcores"
                + " and -mb)");
    ended.addSuppressed(e);
    return ended;
  }

  /** What to say when a standalone master will not run the application. */
  static IllegalStateException refused(String url, boolean withSecret) {
    return new IllegalStateException(
        "the Spark master "
            + url
            + " refused this application or did not answer ('All masters are"
            + " unresponsive')"
            + (withSecret
                ? "; check that it runs and that its secret is the one this submission passes"
                : "; if it requires authentication (submit/local-cluster turns it on), pass its secret:"
                    + " MS_SPARK_PROPERTIES=$(submit/local-cluster properties) submit/... --master "
                    + url));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
