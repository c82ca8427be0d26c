package io.manifoldsweep.analysis.sae;

/**
 * One hook point's activations on the activation set: {@code rows x d} doubles, row-major, and the
 * two constants the SAE's loss and quality metrics use.
 */
public record Activations(double[] x, int rows, int d) {
  public Activations {
    if ((long) rows * d != x.length) {
      throw new IllegalArgumentException(
          rows + " rows of width " + d + " need " + (long) rows * d + " values, got " + x.length);
    }
  }

  /** The mean row. */
  public double[] mean() {
    double[] m = new double[d];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < d; c++) {
        m[c] += x[r * d + c];
      }
    }
    for (int c = 0; c < d; c++) {
      m[c] /= rows;
    }
    return m;
  }

  /**
   * {@code c = mean_rows |x - mean(x)|^2}: the loss's normaliser, and FVE's denominator per row.
   */
  public double scale() {
    double[] m = mean();
    double s = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < d; c++) {
        double v = x[r * d + c] - m[c];
        s += v * v;
      }
    }
    return s / rows;
  }
}
