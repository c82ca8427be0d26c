package io.manifoldsweep.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm over the last axis of {@code [rows, d]}: eps 1e-5, biased variance (PyTorch), computed
 * in the arrays' precision by {@link LayerNormFloat64} or its generated float twin.
 */
public final class LayerNorm {
  static final double EPS = 1e-5;

  /** What the backward pass needs: the normalised input and the reciprocal std per row. */
  public record Cache(INDArray xhat, INDArray rstd) {}

  private LayerNorm() {}

  public static INDArray forward(INDArray x, INDArray gamma, INDArray beta, Cache[] cacheOut) {
    return x.dataType() == DataType.FLOAT
        ? LayerNormFloat32.forward(x, gamma, beta, cacheOut)
        : LayerNormFloat64.forward(x, gamma, beta, cacheOut);
  }

  /**
   * Writes d(loss)/d(gamma) and d(loss)/d(beta) into the gradient views and adds d(loss)/d(x) into
   * {@code dx}, the residual stream's gradient, so the caller needs no separate add.
   */
  public static void addBackward(
      INDArray dy, Cache cache, INDArray gamma, INDArray dGamma, INDArray dBeta, INDArray dx) {
    if (dy.dataType() == DataType.FLOAT) {
      LayerNormFloat32.addBackward(dy, cache, gamma, dGamma, dBeta, dx);
    } else {
      LayerNormFloat64.addBackward(dy, cache, gamma, dGamma, dBeta, dx);
    }
  }
}
