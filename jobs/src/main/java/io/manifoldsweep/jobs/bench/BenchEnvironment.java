package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.BuildInfo;
import io.manifoldsweep.kernel.NativeBlas;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;

/**
 * {@code bench env}: what a saved reading was taken with (date, CPU, JVM, BLAS and the project's
 * version), the header {@code submit/bench --save} puts above a benchmark's output.
 */
@Command(
    name = "env",
    mixinStandardHelpOptions = true,
    description = "Print the date, CPU, JVM, BLAS libraries and project version a reading runs on.")
public final class BenchEnvironment implements Runnable {
  private final PrintStream out;

  public BenchEnvironment(PrintStream out) {
    this.out = out;
  }

  @Override
  public void run() {
    NativeBlas blas = NativeBlas.get();
    out.printf("date: %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    out.printf(
        "cpu: %s, %d cpus%n", blas.cpu().describe(), Runtime.getRuntime().availableProcessors());
    out.printf(
        "jvm: %s %s (%s)%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"));
    out.printf("blas: %s%n", blas.describe());
    out.printf(
        "manifold-sweep: %s (ND4J %s)%n", BuildInfo.projectVersion(), BuildInfo.nd4jVersion());
  }
}
