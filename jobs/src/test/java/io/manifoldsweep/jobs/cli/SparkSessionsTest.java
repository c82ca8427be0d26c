package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** The settings a command's session adds to what the submission gave it. */
class SparkSessionsTest {
  @Test
  void fileUrisUseTheForklessFileSystemUnlessTheSubmissionNamesOne() {
    assertThat(SparkSessions.localFileSystem(new SparkConf(false)))
        .contains(ForklessLocalFileSystem.class.getName());
    SparkConf named =
        new SparkConf(false)
            .set("spark.hadoop.fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
    assertThat(SparkSessions.localFileSystem(named)).isEmpty();
  }

  @Test
  void yarnEndingTheApplicationIsOneLineWithYarnsReasonWhereSparkPassedItOn() {
    // the two ways the driver hears of it, depending on timing (YarnIT meets either)
    IllegalStateException stopped =
        new IllegalStateException("Spark context stopped while waiting for backend");
    SparkException diagnostics =
        new SparkException(
            "Application application_1_0001 failed 1 times due to Uncaught exception:"
                + " InvalidResourceRequestException: Requested resource=<memory:6144, vCores:8>\n"
                + "\tat org.apache.hadoop.yarn.server.resourcemanager.scheduler.SchedulerUtils.x(SchedulerUtils.java:1)");
    assertThat(SparkSessions.yarnEndedTheApplication("yarn", stopped).getMessage())
        .startsWith("YARN ended the application before its executors came up;")
        .contains("log named above", "spark.executor.cores");
    String withReason =
        Main.rootMessage(SparkSessions.yarnEndedTheApplication("yarn", diagnostics));
    assertThat(withReason)
        .contains("came up (SparkException: Application application_1_0001", "vCores:8>)")
        .doesNotContain("\tat ");
    assertThat(withReason.lines()).hasSize(1);

    assertThat(SparkSessions.yarnEndedTheApplication("local[2]", stopped)).isSameAs(stopped);
    assertThat(SparkSessions.yarnEndedTheApplication("spark://h:7077", diagnostics))
        .hasCause(diagnostics);
  }
}
