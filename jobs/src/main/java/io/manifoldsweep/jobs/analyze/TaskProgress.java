package io.manifoldsweep.jobs.analyze;

import io.manifoldsweep.jobs.sweep.SweepProgress;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Progress lines for a long stage of many equal tasks (the SAE analysis: minutes per task): tasks
 * done out of total, elapsed time and an ETA, every interval, from Spark's task-end events.
 */
final class TaskProgress implements AutoCloseable {
  private final SparkContext sc;
  private final AtomicInteger done = new AtomicInteger();
  private final SparkListener listener;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "task-progress");
            t.setDaemon(true);
            return t;
          });

  TaskProgress(SparkContext sc, String what, int total, PrintStream out, long intervalMs) {
    this.sc = sc;
    long start = System.nanoTime();
    this.listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.reason() instanceof org.apache.spark.Success$) {
              done.incrementAndGet();
            }
          }
        };
    sc.addSparkListener(listener);
    timer.scheduleAtFixedRate(
        () -> {
          int d = Math.min(done.get(), total);
          double elapsed = (System.nanoTime() - start) / 1e9;
          String eta = d == 0 ? "unknown" : SweepProgress.formatSeconds(elapsed * (total - d) / d);
          out.printf(
              "[%s] %d/%d tasks done, elapsed %s, ETA %s%n",
              what, d, total, SweepProgress.formatSeconds(elapsed), eta);
        },
        intervalMs,
        intervalMs,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    sc.removeSparkListener(listener);
  }
}
