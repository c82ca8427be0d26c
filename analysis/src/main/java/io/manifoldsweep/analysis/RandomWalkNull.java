package io.manifoldsweep.analysis;

/**
 * The dimension an isotropic Gaussian random walk shows with the same number of snapshots. In many
 * dimensions the walk's Gram matrix concentrates on {@code p * min(s, t)}, so the null spectrum is
 * that of the centred {@code min(s, t)} matrix: deterministic, free of sampling noise, and for long
 * walks {@code lambda_k ~ 1/k^2}, giving pc1 -> 6/pi^2 = 0.61 and r90 = 6.
 */
public final class RandomWalkNull {
  private RandomWalkNull() {}

  public static Spectrum spectrum(int snapshots) {
    double[][] g = new double[snapshots][snapshots];
    for (int s = 0; s < snapshots; s++) {
      for (int t = 0; t < snapshots; t++) {
        g[s][t] = Math.min(s, t);
      }
    }
    return Spectrum.ofCentredGram(Gram.centred(g, snapshots));
  }
}
