package io.manifoldsweep.jobs.cli;

import java.util.Optional;

/**
 * Which Java releases the commands run on. Spark 4 runs on Java 17 and 21; from Java 23 on,
 * Hadoop's login (UserGroupInformation, under Spark's sessions and the Parquet writer's file system
 * alike) calls {@code Subject.getSubject}, which those releases refuse without a security manager
 * and Java 24 and later refuse always: a command died at its first file with
 * "UnsupportedOperationException: getSubject is not supported". The model's kernels give the same
 * bits there (StepBitsAcrossJvmsTest).
 */
final class SupportedJava {
  /** The newest feature release Hadoop's login works on. */
  static final int NEWEST = 22;

  private SupportedJava() {}

  /** Why a JVM of this feature release cannot run the commands, if it cannot. */
  static Optional<String> problem(int feature, String javaHome) {
    if (feature <= NEWEST) {
      return Optional.empty();
    }
    return Optional.of(
        "Java "
            + feature
            + " ("
            + javaHome
            + ") cannot run manifold-sweep: Hadoop, under Spark and the Parquet"
            + " writer, logs in with Subject.getSubject, which Java 23 and later refuse (\"getSubject is not supported\")."
            + " Run it on Java 17 or 21 (the submit/ scripts run the first java on PATH, spark-submit the one in JAVA_HOME)");
  }

  static Optional<String> problem() {
    return problem(Runtime.version().feature(), System.getProperty("java.home"));
  }
}
