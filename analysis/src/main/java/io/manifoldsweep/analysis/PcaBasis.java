package io.manifoldsweep.analysis;

/**
 * Top-k principal directions of one trajectory, from the n x n centred Gram: with Gram eigenpairs
 * {@code (e_i, u_i)}, the right singular vectors are {@code v_i = Xc^T u_i / sqrt(e_i)} and the
 * coordinates of snapshot t on them are {@code sqrt(e_i) u_i[t]}. Cost O(n^2 p + n^3 + k n p).
 */
public final class PcaBasis {
  private final double[][] directions;
  private final double[][] coordinates;
  private final double[] singularValues;

  private PcaBasis(double[][] directions, double[][] coordinates, double[] singularValues) {
    this.directions = directions;
    this.coordinates = coordinates;
    this.singularValues = singularValues;
  }

  /** Fits the first {@code n} snapshots of {@code x}, given the uncentred Gram of all of them. */
  public static PcaBasis fit(double[][] x, double[][] uncentredGram, int n, int k) {
    SymmetricEigen eig =
        SymmetricEigen.of(Gram.centred(uncentredGram, n), SymmetricEigen.Need.VECTORS);
    int kept = nonZeroComponents(eig, n, k);
    int p = x[0].length;
    double[] mean = new double[p];
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < p; c++) {
        mean[c] += x[t][c];
      }
    }
    for (int c = 0; c < p; c++) {
      mean[c] /= n;
    }
    double[][] dirs = new double[kept][p];
    double[][] coords = new double[kept][n];
    double[] sv = new double[kept];
    for (int i = 0; i < kept; i++) {
      double s = Math.sqrt(eig.values[i]);
      double[] u = eig.vectors[i];
      sv[i] = s;
      for (int t = 0; t < n; t++) {
        double w = u[t] / s;
        double[] row = x[t];
        for (int c = 0; c < p; c++) {
          dirs[i][c] += (row[c] - mean[c]) * w;
        }
        coords[i][t] = s * u[t];
      }
    }
    return new PcaBasis(dirs, coords, sv);
  }

  /**
   * Only the coordinates of the first n snapshots on their top-k principal directions, which need
   * no snapshot values: the whole-model trajectory is known here only through its summed Gram.
   */
  public static double[][] coordinatesOnly(double[][] uncentredGram, int n, int k) {
    SymmetricEigen eig =
        SymmetricEigen.of(Gram.centred(uncentredGram, n), SymmetricEigen.Need.VECTORS);
    int kept = nonZeroComponents(eig, n, k);
    double[][] coords = new double[kept][n];
    for (int i = 0; i < kept; i++) {
      double s = Math.sqrt(eig.values[i]);
      for (int t = 0; t < n; t++) {
        coords[i][t] = s * eig.vectors[i][t];
      }
    }
    return coords;
  }

  /** How many of the top k components are not numerical zeros (a short run has fewer than k). */
  private static int nonZeroComponents(SymmetricEigen eig, int n, int k) {
    double[] lambda = Spectrum.fromGramEigenvalues(eig.values).eigenvalues();
    int kept = 0;
    while (kept < Math.min(k, n) && lambda[kept] > 0) {
      kept++;
    }
    return kept;
  }

  /** Orthonormal rows, at most k of them (fewer when the trajectory has lower rank). */
  public double[][] directions() {
    return directions;
  }

  /** {@code coordinates()[j][t]}: snapshot t projected on direction j (centred). */
  public double[][] coordinates() {
    return coordinates;
  }

  public double[] singularValues() {
    return singularValues;
  }
}
