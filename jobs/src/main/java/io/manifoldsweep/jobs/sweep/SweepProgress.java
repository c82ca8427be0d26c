package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Prints, every interval, cells done out of total, each running cell with its step and speed, and
 * an ETA from the cost-weighted rate so far. It reads only the folder, so it works for any cluster.
 * The rate counts only work done since this driver started: steps a resumed cell had trained in an
 * earlier attempt or sweep shorten what is left but are not this driver's speed.
 */
public final class SweepProgress implements AutoCloseable {
  private final SweepFolder folder;
  private final Map<String, CellSpec> pending;
  private final Set<String> finishedBefore;
  private final int total;
  private final PrintStream out;
  private final String sweep;
  private final LongSupplier nanoClock;
  private final long start;

  /**
   * Per cell seen running: the share of its steps earlier attempts had trained, still known once it
   * commits.
   */
  private final Map<String, Double> earlierShare = new HashMap<>();

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sweep-progress");
            t.setDaemon(true);
            return t;
          });

  SweepProgress(
      String sweep,
      SweepFolder folder,
      Map<String, CellSpec> pending,
      Set<String> finishedBefore,
      int total,
      PrintStream out,
      long intervalMs,
      LongSupplier nanoClock) {
    this.sweep = sweep;
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
    this.folder = folder;
    this.pending = pending;
    this.finishedBefore = finishedBefore;
    this.total = total;
    this.out = out;
    timer.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
  }

  /** Synchronized: the timer and the driver's last call may overlap. */
  synchronized void report() {
    try {
      double totalCost = pending.values().stream().mapToDouble(CellSpec::cost).sum();
      double settledCost = 0;
      double costDoneHere = 0;
      int done = finishedBefore.size();
      Set<String> committed = new HashSet<>();
      if (folder.fs().exists(folder.table(Tables.RUNS))) {
        for (FileStatus f : folder.fs().listStatus(folder.table(Tables.RUNS))) {
          String id = f.getPath().getName().replace(".parquet", "");
          CellSpec cell = pending.get(id);
          if (cell != null) {
            done++;
            committed.add(id);
            settledCost += cell.cost();
            costDoneHere += cell.cost() * (1 - earlierShare.getOrDefault(id, 0.0));
          }
        }
      }
      List<String> running = new ArrayList<>();
      Path progressDir = folder.progressDir();
      if (folder.fs().exists(progressDir)) {
        for (FileStatus f : folder.fs().listStatus(progressDir)) {
          String id = f.getPath().getName();
          CellSpec cell = pending.get(id);
          if (cell == null || committed.contains(id)) {
            continue;
          }
          Optional<CellProgress> read;
          try (InputStream in = folder.fs().open(f.getPath())) {
            read = CellProgress.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          if (read.isPresent()) {
            CellProgress p = read.get();
            earlierShare.put(id, p.earlierFraction());
            settledCost += cell.cost() * p.doneFraction();
            costDoneHere += cell.cost() * (p.doneFraction() - p.earlierFraction());
            String resumed = p.firstStep() > 0 ? ", resumed at step " + p.firstStep() : "";
            running.add(
                String.format(
                    "%s %s step %d/%d (%.1f steps/s%s)",
                    id, cell.axes(), p.step(), p.totalSteps(), p.stepsPerSecond(), resumed));
          }
        }
      }
      double elapsed = (nanoClock.getAsLong() - start) / 1e9;
      String eta =
          costDoneHere > 0
              ? formatSeconds(elapsed * (totalCost - settledCost) / costDoneHere)
              : "unknown";
      out.printf(
          "[%s] %d/%d cells done, %d running, elapsed %s, ETA %s%n",
          sweep, done, total, running.size(), formatSeconds(elapsed), eta);
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
