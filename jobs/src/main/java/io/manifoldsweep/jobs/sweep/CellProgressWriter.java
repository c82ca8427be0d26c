package io.manifoldsweep.jobs.sweep;

import io.manifoldsweep.train.ProgressListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running cell's {@link CellProgress} file current, at most every few seconds, and logs the
 * same line. The tests' kill hook fires here, between resume points.
 */
final class CellProgressWriter implements ProgressListener {
  private static final Logger LOG = LoggerFactory.getLogger(CellProgressWriter.class);
  private static final long INTERVAL_NANOS = 5_000_000_000L;

  private final SweepFolder folder;
  private final String cellId;
  private final long killAt;
  private final LongSupplier nanoClock;
  private long startNanos;
  private long firstStep;
  private long lastWriteNanos;

  /**
   * {@code killAt}: the step from which this attempt throws, as the tests' hook asks; {@code
   * Long.MAX_VALUE} for never.
   */
  CellProgressWriter(SweepFolder folder, String cellId, long killAt, LongSupplier nanoClock) {
    this.folder = folder;
    this.cellId = cellId;
    this.killAt = killAt;
    this.nanoClock = nanoClock;
  }

  @Override
  public void onStart(long first, long totalSteps) {
    firstStep = first;
    startNanos = nanoClock.getAsLong();
    lastWriteNanos = startNanos;
    LOG.info("cell {}: step {}/{}, starting", cellId, first, totalSteps);
    write(new CellProgress(first, totalSteps, 0, first));
  }

  @Override
  public void onProgress(long step, long totalSteps, double trainLoss) {
    if (step >= killAt) {
      throw new IllegalStateException(
          "test hook: first attempt of cell " + cellId + " dies at step " + step);
    }
    long now = nanoClock.getAsLong();
    if (now - lastWriteNanos < INTERVAL_NANOS) {
      return;
    }
    lastWriteNanos = now;
    double rate = (step - firstStep) / Math.max(1e-9, (now - startNanos) / 1e9);
    LOG.info(
        "cell {}: step {}/{} train_loss {} ({} steps/s)",
        cellId,
        step,
        totalSteps,
        String.format("%.4f", trainLoss),
        String.format("%.1f", rate));
    write(new CellProgress(step, totalSteps, rate, firstStep));
  }

  private void write(CellProgress progress) {
    try (OutputStream out = folder.fs().create(folder.progressFile(cellId), true)) {
      out.write(progress.line().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("cell {}: cannot write progress: {}", cellId, e.getMessage());
    }
  }
}
