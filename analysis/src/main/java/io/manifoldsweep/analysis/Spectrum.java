package io.manifoldsweep.analysis;

/**
 * PCA eigenvalues of a trajectory, {@code lambda_i = s_i^2 / (n-1)} in decreasing order, with
 * eigenvalues below 1e-12 x lambda_max set to exactly 0 (centring always removes one direction, and
 * rounding must not turn it into a spurious component).
 */
public final class Spectrum {
  static final double ZERO = 1e-12;

  private final double[] lambda;

  Spectrum(double[] lambda) {
    this.lambda = lambda;
  }

  /** From the centred Gram of n snapshots. */
  public static Spectrum ofCentredGram(double[][] centred) {
    return fromGramEigenvalues(SymmetricEigen.of(centred, SymmetricEigen.Need.VALUES).values);
  }

  static Spectrum fromGramEigenvalues(double[] eig) {
    int n = eig.length;
    double[] lambda = new double[n];
    double max = n > 1 ? eig[0] / (n - 1) : 0;
    for (int i = 0; i < n; i++) {
      double l = n > 1 ? eig[i] / (n - 1) : 0;
      lambda[i] = l > ZERO * max ? l : 0;
    }
    return new Spectrum(lambda);
  }

  public double[] eigenvalues() {
    return lambda.clone();
  }

  public double total() {
    double s = 0;
    for (double l : lambda) {
      s += l;
    }
    return s;
  }

  /** Explained variance ratios; all zero for a trajectory that never moved. */
  public double[] explainedVarianceRatio() {
    double t = total();
    double[] evr = new double[lambda.length];
    for (int i = 0; i < evr.length; i++) {
      evr[i] = t > 0 ? lambda[i] / t : 0;
    }
    return evr;
  }

  /** Smallest k whose cumulative ratio reaches q; 0 for a trajectory that never moved. Uncapped. */
  public int componentsFor(double q) {
    double[] evr = explainedVarianceRatio();
    double cum = 0;
    for (int i = 0; i < evr.length; i++) {
      cum += evr[i];
      // a cumulative sum of ratios can land a few ulps below q when it is exactly q
      if (cum >= q - 1e-12) {
        return i + 1;
      }
    }
    return total() > 0 ? evr.length : 0;
  }

  /** {@code (sum lambda)^2 / sum lambda^2}. */
  public double participationRatio() {
    double s = 0;
    double s2 = 0;
    for (double l : lambda) {
      s += l;
      s2 += l * l;
    }
    return s2 > 0 ? s * s / s2 : 0;
  }

  /** {@code exp(H(s / sum s))} on the singular values {@code s_i ~ sqrt(lambda_i)}. */
  public double effectiveRank() {
    double sum = 0;
    for (double l : lambda) {
      sum += Math.sqrt(l);
    }
    if (sum == 0) {
      return 0;
    }
    double h = 0;
    for (double l : lambda) {
      double p = Math.sqrt(l) / sum;
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return Math.exp(h);
  }

  public double pc1() {
    double t = total();
    return t > 0 ? lambda[0] / t : 0;
  }
}
