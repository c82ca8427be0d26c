package io.manifoldsweep.jobs.sweep;

import java.util.Optional;

/**
 * Where a running cell stands, as one line of {@code DIR/_progress/CELL}: written by the cell's
 * task, read by the driver's {@link SweepProgress}. {@code firstStep} is where this attempt started
 * (0, or the step a resume point restored), so the reader can tell steps trained now from steps
 * trained by an earlier attempt or driver; {@code stepsPerSecond} counts only the former.
 */
record CellProgress(long step, long totalSteps, double stepsPerSecond, long firstStep) {

  String line() {
    return step + " " + totalSteps + " " + stepsPerSecond + " " + firstStep;
  }

  /**
   * Empty for a line that is not one (a file caught mid-write); a line of an older writer has no
   * first step, read as 0.
   */
  static Optional<CellProgress> parse(String line) {
    String[] parts = line.trim().split(" ");
    if (parts.length != 3 && parts.length != 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new CellProgress(
              Long.parseLong(parts[0]),
              Long.parseLong(parts[1]),
              Double.parseDouble(parts[2]),
              parts.length == 4 ? Long.parseLong(parts[3]) : 0));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Share of the cell's steps done, by every attempt so far. */
  double doneFraction() {
    return (double) step / Math.max(1, totalSteps);
  }

  /** Share of the cell's steps an earlier attempt had done before this one started. */
  double earlierFraction() {
    return (double) firstStep / Math.max(1, totalSteps);
  }
}
