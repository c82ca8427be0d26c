package io.manifoldsweep.jobs.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C and SIGTERM for a command that runs Spark jobs. The first signal cancels the running jobs
 * (a running cell stops within a training step and keeps its last resume point), so the command
 * unwinds normally: committed cells stay, the folder's lease is released, and the command reports
 * how to resume and exits with 128 + the signal's number. Should the command still be busy after a
 * grace period, or on a second signal, the JVM exits with that code (its shutdown hooks still run).
 */
final class Interrupts implements AutoCloseable {
  private static final long STOP_AFTER_MS = 5_000;
  private static final long EXIT_AFTER_MS = 60_000;

  private final AtomicReference<Signal> received = new AtomicReference<>();
  private final List<Signal> signals = List.of(new Signal("INT"), new Signal("TERM"));
  private final List<SignalHandler> previous;

  private Interrupts(SparkSession spark, PrintStream err) {
    SignalHandler handler =
        sig -> {
          int code = 128 + sig.getNumber();
          if (!received.compareAndSet(null, sig)) {
            err.println("second SIG" + sig.getName() + ": exiting now");
            System.exit(code);
          }
          err.println();
          err.println(
              "SIG"
                  + sig.getName()
                  + " received: cancelling the running cells; committed cells are kept");
          spark.sparkContext().cancelAllJobs();
          Thread watchdog =
              new Thread(
                  () -> {
                    try {
                      Thread.sleep(STOP_AFTER_MS);
                      spark.sparkContext().stop();
                      Thread.sleep(EXIT_AFTER_MS - STOP_AFTER_MS);
                    } catch (InterruptedException e) {
                      return;
                    }
                    System.exit(code);
                  },
                  "interrupt-watchdog");
          watchdog.setDaemon(true);
          watchdog.start();
        };
    previous = signals.stream().map(s -> Signal.handle(s, handler)).toList();
  }

  static Interrupts install(SparkSession spark, PrintStream err) {
    return new Interrupts(spark, err);
  }

  /** Whether a signal arrived; the exit code the command should return then. */
  boolean fired() {
    return received.get() != null;
  }

  int exitCode() {
    Signal s = received.get();
    return s == null ? 0 : 128 + s.getNumber();
  }

  String signalName() {
    Signal s = received.get();
    return s == null ? "" : "SIG" + s.getName();
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
