package io.manifoldsweep.jobs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line in a JVM of its own, as a user starts it. */
public final class CliProcess {
  private CliProcess() {}

  /**
   * Starts {@code Main args} with the scripts' JVM options and {@code jvmFlags}; output and errors
   * go to {@code log}.
   */
  public static Process start(Path log, List<String> jvmFlags, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(Arrays.asList(System.getProperty("spark.jvm.options").trim().split("\\s+")));
    cmd.add("--add-modules=jdk.incubator.vector");
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.manifoldsweep.jobs.cli.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }
}
