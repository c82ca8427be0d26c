package io.manifoldsweep.analysis;

/**
 * Gram matrices of trajectories: snapshots x coordinates in, n x n out. The n x n route costs O(n^2
 * p) and never forms a p x p covariance, which for a 128x128 block would be 16384^2.
 */
public final class Gram {
  private Gram() {}

  /** {@code X X^T} of the raw (uncentred) snapshots. */
  public static double[][] of(double[][] x) {
    int n = x.length;
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      double[] a = x[i];
      for (int j = 0; j <= i; j++) {
        double[] b = x[j];
        double s = 0;
        for (int c = 0; c < a.length; c++) {
          s += a[c] * b[c];
        }
        g[i][j] = s;
        g[j][i] = s;
      }
    }
    return g;
  }

  /**
   * Sum of Gram matrices: the Gram of the concatenated coordinates (the whole-model trajectory).
   */
  public static double[][] sum(Iterable<double[][]> grams) {
    double[][] out = null;
    for (double[][] g : grams) {
      if (out == null) {
        out = new double[g.length][g.length];
      }
      for (int i = 0; i < g.length; i++) {
        for (int j = 0; j < g.length; j++) {
          out[i][j] += g[i][j];
        }
      }
    }
    return out;
  }

  /**
   * The Gram of the first {@code t} snapshots after centring them over time: {@code H G H} with
   * {@code H = I - 11^T/t}, computed from the uncentred Gram in O(t^2).
   */
  public static double[][] centred(double[][] g, int t) {
    double[] rowMean = new double[t];
    double total = 0;
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        rowMean[i] += g[i][j];
      }
      total += rowMean[i];
      rowMean[i] /= t;
    }
    total /= (double) t * t;
    double[][] c = new double[t][t];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        c[i][j] = g[i][j] - rowMean[i] - rowMean[j] + total;
      }
    }
    return c;
  }
}
