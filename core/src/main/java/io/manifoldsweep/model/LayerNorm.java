package io.manifoldsweep.model;

import static io.manifoldsweep.model.Linalg.columnSumsInto;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** LayerNorm over the last axis of {@code [rows, d]}: eps 1e-5, biased variance (PyTorch). */
final class LayerNorm {
  static final double EPS = 1e-5;

  /** What the backward pass needs: the normalised input and the reciprocal std per row. */
  record Cache(INDArray xhat, INDArray rstd) {}

  private LayerNorm() {}

  static INDArray forward(INDArray x, INDArray gamma, INDArray beta, Cache[] cacheOut) {
    INDArray xc = x.subColumnVector(x.mean(true, 1));
    INDArray var = xc.mul(xc).mean(true, 1);
    INDArray rstd = Transforms.pow(var.addi(EPS), -0.5, false);
    INDArray xhat = xc.muliColumnVector(rstd);
    cacheOut[0] = new Cache(xhat, rstd);
    return xhat.mulRowVector(gamma).addiRowVector(beta);
  }

  /** Writes dgamma and dbeta into the gradient views and returns dx. */
  static INDArray backward(INDArray dy, Cache cache, INDArray gamma, INDArray dGamma, INDArray dBeta) {
    INDArray xhat = cache.xhat();
    columnSumsInto(dy.mul(xhat), dGamma);
    columnSumsInto(dy, dBeta);
    INDArray dxhat = dy.mulRowVector(gamma);
    INDArray meanD = dxhat.mean(true, 1);
    INDArray meanDX = dxhat.mul(xhat).mean(true, 1);
    return dxhat.subiColumnVector(meanD).subi(xhat.mulColumnVector(meanDX)).muliColumnVector(cache.rstd());
  }
}
