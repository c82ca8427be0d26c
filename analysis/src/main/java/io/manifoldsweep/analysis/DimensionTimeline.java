package io.manifoldsweep.analysis;

/**
 * r90 over expanding windows of a trajectory and the step at which it settles. Each window's
 * centred Gram is cut from the uncentred Gram of the whole run, so the cost is one eigenvalue
 * problem of size t per window: O(n^4) in all, a fraction of a second for n = 200.
 */
public final class DimensionTimeline {
  /** Windows start at 3 snapshots (t >= 2 in the method's 0-based count). */
  public static final int FIRST_WINDOW = 3;

  private DimensionTimeline() {}

  /** {@code r90[i]} is the r90 of the first {@code i + FIRST_WINDOW} snapshots. */
  public static int[] expandingR90(double[][] uncentredGram) {
    int n = uncentredGram.length;
    if (n < FIRST_WINDOW) {
      return new int[0];
    }
    int[] out = new int[n - FIRST_WINDOW + 1];
    for (int t = FIRST_WINDOW; t <= n; t++) {
      double[][] sub = new double[t][t];
      for (int i = 0; i < t; i++) {
        System.arraycopy(uncentredGram[i], 0, sub[i], 0, t);
      }
      out[t - FIRST_WINDOW] = Spectrum.ofCentredGram(Gram.centred(sub, t)).componentsFor(0.90);
    }
    return out;
  }

  /**
   * The first window-end step from which the expanding r90 never again differs from the final r90
   * by more than 1; {@code steps[i]} is the step of the window ending at snapshot i + FIRST_WINDOW
   * - 1. Returns -1 for an empty timeline.
   */
  public static long collapseStep(int[] r90, long[] steps) {
    if (r90.length == 0) {
      return -1;
    }
    int last = r90[r90.length - 1];
    int first = r90.length - 1;
    while (first > 0 && Math.abs(r90[first - 1] - last) <= 1) {
      first--;
    }
    return steps[first];
  }
}
