package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.table.ForklessLocalFileSystem;
import org.apache.spark.SparkConf;
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
}
