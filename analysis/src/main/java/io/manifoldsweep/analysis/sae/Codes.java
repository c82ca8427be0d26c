package io.manifoldsweep.analysis.sae;

/**
 * The sparse codes of rows: row r's k slots are {@code idx[r*k + s]} and {@code val[r*k + s]}, in
 * decreasing order of the pre-activation; a slot's value is after ReLU, so it may be 0 (selected
 * but silent), and its index is -1 when fewer latents than k were allowed.
 */
public record Codes(int rows, int k, int[] idx, double[] val) {
  /**
   * The activation of {@code latent} in {@code row}, 0 when it is not among the row's active slots.
   */
  public double value(int row, int latent) {
    for (int s = 0; s < k; s++) {
      if (idx[row * k + s] == latent) {
        return val[row * k + s];
      }
    }
    return 0;
  }

  /** Rows on which each latent fires ({@code z > 0}). */
  public long[] firingCounts(int latents) {
    long[] out = new long[latents];
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] >= 0 && val[i] > 0) {
        out[idx[i]]++;
      }
    }
    return out;
  }

  /** Sum of each latent's activation over all rows. */
  public double[] activationSums(int latents) {
    double[] out = new double[latents];
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] >= 0) {
        out[idx[i]] += val[i];
      }
    }
    return out;
  }
}
