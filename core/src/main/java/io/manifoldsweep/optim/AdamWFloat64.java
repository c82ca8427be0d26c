package io.manifoldsweep.optim;

import io.manifoldsweep.kernel.HostView;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link AdamW}'s update computed in double. Like the model's kernels (see AttentionFloat64) it is
 * the template of a generated float twin, {@code AdamWFloat32}, so a float32 run updates in float,
 * as {@code torch.optim.AdamW} does for float32 parameters, with no conversions and twice the lanes
 * (computed in double, the conversions and the double divisions were 3% of a training step).
 */
final class AdamWFloat64 {
  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;

  private AdamWFloat64() {}

  /**
   * One pass over the four flat vectors in PyTorch's order of operations, loading and storing where
   * ND4J keeps them: as ND4J ops the update made a dozen passes over memory, and through heap
   * chunks it made three (copy in, update, copy out) over vectors too large for the caches. Written
   * with the Vector API because C2 leaves a loop that stores to three arrays scalar.
   */
  static void step(INDArray params, INDArray grad, INDArray m, INDArray v, Hyper h) {
    HostView.Float64 p = HostView.Float64.view(params);
    HostView.Float64 g = HostView.Float64.view(grad);
    HostView.Float64 mv = HostView.Float64.view(m);
    HostView.Float64 vv = HostView.Float64.view(v);
    int n = Math.toIntExact(params.length());
    p.reading(0, n);
    g.reading(0, n);
    mv.reading(0, n);
    vv.reading(0, n);
    p.writing(0, n);
    mv.writing(0, n);
    vv.writing(0, n);
    update(p, g, mv, vv, n, h);
  }

  /** Kept small so C2 inlines the Vector API calls; see LayerNormFloat64. */
  private static void update(
      HostView.Float64 p,
      HostView.Float64 gr,
      HostView.Float64 m,
      HostView.Float64 v,
      int n,
      Hyper h) {
    double beta1 = h.beta1();
    double beta2 = h.beta2();
    double gain1 = h.gain1();
    double gain2 = h.gain2();
    double eps = h.eps();
    double decay = h.decay();
    double sqrtBias2 = h.sqrtBias2();
    double stepSize = h.stepSize();
    int i = 0;
    for (; i < LANES.loopBound(n); i += LANES.length()) {
      DoubleVector g = gr.load(LANES, i);
      DoubleVector mi = m.load(LANES, i).mul(beta1).add(g.mul(gain1));
      DoubleVector vi = v.load(LANES, i).mul(beta2).add(g.mul(g).mul(gain2));
      DoubleVector denom = vi.lanewise(VectorOperators.SQRT).div(sqrtBias2).add(eps);
      p.store(p.load(LANES, i).mul(decay).sub(mi.div(denom).mul(stepSize)), i);
      m.store(mi, i);
      v.store(vi, i);
    }
    for (; i < n; i++) {
      double g = gr.get(i);
      double mi = m.get(i) * beta1 + g * gain1;
      double vi = v.get(i) * beta2 + g * g * gain2;
      double denom = (double) Math.sqrt(vi) / sqrtBias2 + eps;
      p.set(i, p.get(i) * decay - mi / denom * stepSize);
      m.set(i, mi);
      v.set(i, vi);
    }
  }

  /**
   * The step's scalars in this precision, each computed first in 64-bit arithmetic by {@link AdamW}
   * (as PyTorch does with its Python floats): the moments' gains {@code 1 - beta}, which would lose
   * six digits if taken from a 32-bit beta; decay {@code 1 - lr*wd}; {@code sqrt(1 - beta2^t)};
   * {@code lr / (1 - beta1^t)}.
   */
  record Hyper(
      double beta1,
      double gain1,
      double beta2,
      double gain2,
      double eps,
      double decay,
      double sqrtBias2,
      double stepSize) {}
}
