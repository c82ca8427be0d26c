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
   * {@link #step} split in two around its update, for an intervention that projects the update and
   * never the decay: the moments and {@code u = -(m_hat / denom) * stepSize} into {@code update},
   * the parameters untouched. With {@link #apply} after it, the same bits as {@link #step}.
   */
  static void moments(INDArray grad, INDArray m, INDArray v, INDArray update, Hyper h) {
    HostView.Float64 gr = HostView.Float64.view(grad);
    HostView.Float64 mv = HostView.Float64.view(m);
    HostView.Float64 vv = HostView.Float64.view(v);
    HostView.Float64 u = HostView.Float64.view(update);
    int n = Math.toIntExact(grad.length());
    for (int i = 0; i < n; i++) {
      double g = gr.get(i);
      double mi = mv.get(i) * h.beta1() + g * h.gain1();
      double vi = vv.get(i) * h.beta2() + g * g * h.gain2();
      double denom = (double) Math.sqrt(vi) / h.sqrtBias2() + h.eps();
      u.set(i, -(mi / denom * h.stepSize()));
      mv.set(i, mi);
      vv.set(i, vi);
    }
  }

  /** {@code params = params * decay + update}: the rest of {@link #moments}'s step. */
  static void apply(INDArray params, INDArray update, Hyper h) {
    HostView.Float64 p = HostView.Float64.view(params);
    HostView.Float64 u = HostView.Float64.view(update);
    int n = Math.toIntExact(params.length());
    for (int i = 0; i < n; i++) {
      p.set(i, p.get(i) * h.decay() + u.get(i));
    }
  }

  /** The step's scalars ({@link AdamW.Scalars}) rounded once to this precision. */
  record Hyper(
      double beta1,
      double gain1,
      double beta2,
      double gain2,
      double eps,
      double decay,
      double sqrtBias2,
      double stepSize) {
    static Hyper of(AdamW.Scalars s) {
      return new Hyper(
          (double) s.beta1(),
          (double) s.gain1(),
          (double) s.beta2(),
          (double) s.gain2(),
          (double) s.eps(),
          (double) s.decay(),
          (double) s.sqrtBias2(),
          (double) s.stepSize());
    }
  }
}
