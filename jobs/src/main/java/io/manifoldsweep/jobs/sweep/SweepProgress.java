package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;

/**
 * Prints, every interval, cells done out of total, each running cell with its step and speed, and an
 * ETA from the cost-weighted rate so far. It reads only the folder, so it works for any cluster.
 */
public final class SweepProgress implements AutoCloseable {
  private final SweepFolder folder;
  private final Map<String, CellSpec> pending;
  private final Set<String> finishedBefore;
  private final int total;
  private final PrintStream out;
  private final String sweep;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sweep-progress");
    t.setDaemon(true);
    return t;
  });

  SweepProgress(String sweep, SweepFolder folder, Map<String, CellSpec> pending, Set<String> finishedBefore, int total, PrintStream out, long intervalMs) {
    this.sweep = sweep;
    this.folder = folder;
    this.pending = pending;
    this.finishedBefore = finishedBefore;
    this.total = total;
    this.out = out;
    timer.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  void report() {
    try {
      double totalCost = pending.values().stream().mapToDouble(CellSpec::cost).sum();
      double doneCost = 0;
      int done = finishedBefore.size();
      if (folder.fs().exists(folder.table(Tables.RUNS))) {
        for (FileStatus f : folder.fs().listStatus(folder.table(Tables.RUNS))) {
          String id = f.getPath().getName().replace(".parquet", "");
          if (pending.containsKey(id)) {
            done++;
            doneCost += pending.get(id).cost();
          }
        }
      }
      List<String> running = new ArrayList<>();
      if (folder.fs().exists(new org.apache.hadoop.fs.Path(folder.root(), SweepFolder.PROGRESS))) {
        for (FileStatus f : folder.fs().listStatus(new org.apache.hadoop.fs.Path(folder.root(), SweepFolder.PROGRESS))) {
          String id = f.getPath().getName();
          CellSpec cell = pending.get(id);
          if (cell == null) {
            continue;
          }
          String[] parts;
          try (InputStream in = folder.fs().open(f.getPath())) {
            parts = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
          }
          if (parts.length == 3) {
            long step = Long.parseLong(parts[0]);
            long steps = Long.parseLong(parts[1]);
            doneCost += cell.cost() * step / Math.max(1, steps);
            running.add(String.format("%s %s step %d/%d (%.1f steps/s)", id, cell.axes(), step, steps, Double.parseDouble(parts[2])));
          }
        }
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      String eta = doneCost > 0 ? formatSeconds(elapsed * (totalCost - doneCost) / doneCost) : "unknown";
      out.printf("[%s] %d/%d cells done, %d running, elapsed %s, ETA %s%n", sweep, done, total, running.size(), formatSeconds(elapsed), eta);
      running.forEach(r -> out.println("    " + r));
    } catch (IOException | RuntimeException e) {
      out.println("[" + sweep + "] progress unavailable: " + e.getMessage());
    }
  }

  /** h:mm:ss. */
  public static String formatSeconds(double s) {
    long t = Math.round(s);
    return String.format("%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
