package io.manifoldsweep.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Token plus position embedding of {@code [B*T]} tokens, and its gradient as a scatter-add. Gathering
 * and scattering rows in Java avoids the one-hot {@code [B*T, vocab]} matrix (and its gemm) the
 * gradient would otherwise need.
 */
final class Embedding {
  private Embedding() {}

  /** {@code x[r] = tokEmb[tokens[r]] + posEmb[r mod T]}. */
  static void forward(int[] tokens, INDArray tokEmb, INDArray posEmb, INDArray x) {
    int d = Math.toIntExact(tokEmb.size(1));
    int t = Math.toIntExact(posEmb.size(0));
    double[] tok = HostView.of(tokEmb).readAll();
    double[] pos = HostView.of(posEmb).readAll();
    double[] rows = new double[tokens.length * d];
    for (int r = 0; r < tokens.length; r++) {
      int to = tokens[r] * d;
      int po = (r % t) * d;
      for (int c = 0; c < d; c++) {
        rows[r * d + c] = tok[to + c] + pos[po + c];
      }
    }
    HostView.of(x).writeAll(rows);
  }

  /** Overwrites the embedding gradients with the sums of {@code dx}'s rows per token and position. */
  static void backward(int[] tokens, INDArray dx, INDArray dTokEmb, INDArray dPosEmb) {
    int d = Math.toIntExact(dTokEmb.size(1));
    int t = Math.toIntExact(dPosEmb.size(0));
    double[] g = HostView.of(dx).readAll();
    double[] tok = new double[Math.toIntExact(dTokEmb.length())];
    double[] pos = new double[Math.toIntExact(dPosEmb.length())];
    for (int r = 0; r < tokens.length; r++) {
      int to = tokens[r] * d;
      int po = (r % t) * d;
      for (int c = 0; c < d; c++) {
        tok[to + c] += g[r * d + c];
        pos[po + c] += g[r * d + c];
      }
    }
    HostView.of(dTokEmb).writeAll(tok);
    HostView.of(dPosEmb).writeAll(pos);
  }
}
