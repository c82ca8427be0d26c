package io.manifoldsweep.analysis;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

/** Principal angles between two subspaces given by orthonormal rows: singular values of Q1 Q2^T. */
public final class PrincipalAngles {
  private PrincipalAngles() {}

  /** Cosines of the principal angles, decreasing, clipped to [0, 1]. */
  public static double[] cosines(double[][] q1, double[][] q2) {
    int k1 = q1.length;
    int k2 = q2.length;
    if (k1 == 0 || k2 == 0) {
      return new double[0];
    }
    if (q1[0].length != q2[0].length) {
      throw new IllegalArgumentException(
          "subspaces live in different spaces: "
              + q1[0].length
              + " vs "
              + q2[0].length
              + " coordinates");
    }
    DMatrixRMaj m = new DMatrixRMaj(k1, k2);
    for (int i = 0; i < k1; i++) {
      for (int j = 0; j < k2; j++) {
        double s = 0;
        for (int c = 0; c < q1[i].length; c++) {
          s += q1[i][c] * q2[j][c];
        }
        m.set(i, j, s);
      }
    }
    double[] sv = SingularOps_DDRM.singularValues(m);
    Arrays.sort(sv);
    double[] out = new double[sv.length];
    for (int i = 0; i < sv.length; i++) {
      out[i] = Math.min(1.0, Math.max(0.0, sv[sv.length - 1 - i]));
    }
    return out;
  }

  public static double meanSquare(double[] cosines) {
    double s = 0;
    for (double c : cosines) {
      s += c * c;
    }
    return cosines.length == 0 ? Double.NaN : s / cosines.length;
  }

  /** Expected mean cos^2 between a fixed and a uniformly random k-dimensional subspace of R^p. */
  public static double randomMeanSquare(int k, long p) {
    return (double) k / p;
  }
}
