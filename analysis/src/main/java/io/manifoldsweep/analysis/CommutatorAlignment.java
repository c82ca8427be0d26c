package io.manifoldsweep.analysis;

import java.util.List;
import java.util.SplittableRandom;

/**
 * How much of a commutator lies in the execution subspace: {@code rho = |B B^T delta| / |delta|}
 * for a block-diagonal orthonormal basis B, and the same ratio for random K-dimensional subspaces.
 *
 * <p>For a uniformly random K-dimensional subspace of R^P, {@code |Q Q^T delta| / |delta|} has the
 * law of {@code sqrt(X / (X + Y))} with {@code X ~ chi2(K)}, {@code Y ~ chi2(P - K)}, whatever
 * delta is. Baselines are drawn from that law, which is exact and costs O(1) per draw instead of a
 * P x K QR.
 */
public final class CommutatorAlignment {
  private CommutatorAlignment() {}

  /**
   * {@code rho_exec} of delta on a block-diagonal basis: {@code bases.get(b)} (orthonormal rows)
   * spans part of segment b of the delta, {@code segments.get(b)}; {@code deltaNorm} is |delta|
   * over every coordinate the commutator lives in (segments may cover only part of them).
   */
  public static double rho(List<double[][]> bases, List<double[]> segments, double deltaNorm) {
    if (bases.size() != segments.size()) {
      throw new IllegalArgumentException(
          bases.size() + " bases for " + segments.size() + " delta segments");
    }
    double energy = 0;
    for (int b = 0; b < bases.size(); b++) {
      double[] seg = segments.get(b);
      for (double[] v : bases.get(b)) {
        if (v.length != seg.length) {
          throw new IllegalArgumentException(
              "basis of length " + v.length + " for a delta segment of length " + seg.length);
        }
        double dot = 0;
        for (int c = 0; c < seg.length; c++) {
          dot += v[c] * seg[c];
        }
        energy += dot * dot;
      }
    }
    return deltaNorm > 0 ? Math.sqrt(energy) / deltaNorm : Double.NaN;
  }

  /** Fraction of the commutator's energy outside the subspace: {@code 1 - rho^2} (not 1 - rho). */
  public static double perpendicularEnergy(double rho) {
    return 1 - rho * rho;
  }

  /**
   * Mean of {@code |Q Q^T delta| / |delta|} over {@code draws} random K-dimensional subspaces of
   * the first {@code span} of {@code total} coordinates, where the delta has norm {@code spanNorm}
   * inside the span and {@code totalNorm} overall.
   */
  public static double randomRho(
      int k, long span, double spanNorm, double totalNorm, int draws, SplittableRandom rng) {
    if (k >= span) {
      return spanNorm / totalNorm;
    }
    double sum = 0;
    for (int i = 0; i < draws; i++) {
      double x = chiSquare(k, rng);
      double y = chiSquare(span - k, rng);
      sum += Math.sqrt(x / (x + y));
    }
    return sum / draws * spanNorm / totalNorm;
  }

  /** Closed-form approximation {@code sqrt(K/P)} of the random baseline, for reports. */
  public static double expectedRandomRho(int k, long p) {
    return Math.sqrt((double) k / p);
  }

  /** chi2(dof) = 2 Gamma(dof/2), by Marsaglia and Tsang's method (exact, O(1) expected). */
  static double chiSquare(double dof, SplittableRandom rng) {
    return 2 * gamma(dof / 2, rng);
  }

  private static double gamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      // boost: Gamma(a) = Gamma(a + 1) * U^(1/a)
      return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = gaussian(rng);
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
