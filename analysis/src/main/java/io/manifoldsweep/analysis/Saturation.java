package io.manifoldsweep.analysis;

/**
 * Attention saturation along the principal coordinates of a trajectory: how each coordinate c_j(t)
 * correlates with the readout's attention entropy and marker mass, and when it settles.
 */
public final class Saturation {
  /** Within this fraction of its total range of the final value counts as settled. */
  public static final double SETTLED = 0.05;

  private Saturation() {}

  /** Pearson correlation; NaN when either series is constant. */
  public static double correlation(double[] a, double[] b) {
    int n = a.length;
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < n; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Double.NaN;
  }

  /**
   * The first step from which the coordinate stays within {@link #SETTLED} of its range around its
   * final value.
   */
  public static long settledStep(double[] c, long[] steps) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : c) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double tolerance = SETTLED * (max - min);
    double last = c[c.length - 1];
    int first = c.length - 1;
    while (first > 0 && Math.abs(c[first - 1] - last) <= tolerance) {
      first--;
    }
    return steps[first];
  }
}
