package io.manifoldsweep.analysis;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Eigen-decomposition of a small symmetric matrix (EJML's symmetric QR algorithm, O(n^3)), sorted
 * by decreasing eigenvalue. Used only on n x n Gram matrices, n = number of snapshots.
 */
final class SymmetricEigen {
  final double[] values;

  /** {@code vectors[i]} is the unit eigenvector of {@code values[i]}; null when not requested. */
  final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  static SymmetricEigen of(double[][] symmetric, Need need) {
    int n = symmetric.length;
    boolean withVectors = need == Need.VECTORS;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, withVectors, true);
    if (!eig.decompose(new DMatrixRMaj(symmetric))) {
      throw new ArithmeticException("symmetric eigen-decomposition did not converge (n=" + n + ")");
    }
    Integer[] order = new Integer[n];
    double[] raw = new double[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      raw[i] = eig.getEigenvalue(i).getReal();
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> raw[i]).reversed());
    double[] values = new double[n];
    double[][] vectors = withVectors ? new double[n][] : null;
    for (int i = 0; i < n; i++) {
      values[i] = raw[order[i]];
      if (withVectors) {
        vectors[i] = eig.getEigenVector(order[i]).getData().clone();
      }
    }
    return new SymmetricEigen(values, vectors);
  }

  /** Whether eigenvectors are computed (they cost about three times the values alone). */
  enum Need {
    VALUES,
    VECTORS
  }
}
