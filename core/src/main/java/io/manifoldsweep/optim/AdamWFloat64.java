package io.manifoldsweep.optim;

import io.manifoldsweep.model.HostView;
import io.manifoldsweep.model.Scratch;
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
  /** Elements per chunk: the four vectors' chunks stay in L1/L2 through the update. */
  private static final int CHUNK = 2048;

  private AdamWFloat64() {}

  /**
   * One pass over the four flat vectors, chunk by chunk, in PyTorch's order of operations; as ND4J
   * ops the update made a dozen passes over memory. Written with the Vector API because C2 leaves a
   * loop that stores to three arrays scalar.
   */
  static void step(INDArray params, INDArray grad, INDArray m, INDArray v, Hyper h) {
    HostView.Float64 pView = HostView.Float64.view(params);
    HostView.Float64 gView = HostView.Float64.view(grad);
    HostView.Float64 mView = HostView.Float64.view(m);
    HostView.Float64 vView = HostView.Float64.view(v);
    Scratch scratch = Scratch.get();
    double[] pc = scratch.doubles(0, CHUNK);
    double[] gc = scratch.doubles(1, CHUNK);
    double[] mc = scratch.doubles(2, CHUNK);
    double[] vc = scratch.doubles(3, CHUNK);
    int size = Math.toIntExact(params.length());
    for (int start = 0; start < size; start += CHUNK) {
      int n = Math.min(CHUNK, size - start);
      pView.read(start, pc, 0, n);
      gView.read(start, gc, 0, n);
      mView.read(start, mc, 0, n);
      vView.read(start, vc, 0, n);
      update(pc, gc, mc, vc, n, h);
      pView.write(pc, 0, start, n);
      mView.write(mc, 0, start, n);
      vView.write(vc, 0, start, n);
    }
  }

  /** Kept small so C2 inlines the Vector API calls; see LayerNormFloat64. */
  private static void update(double[] pc, double[] gc, double[] mc, double[] vc, int n, Hyper h) {
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
      DoubleVector g = DoubleVector.fromArray(LANES, gc, i);
      DoubleVector mi = DoubleVector.fromArray(LANES, mc, i).mul(beta1).add(g.mul(gain1));
      DoubleVector vi = DoubleVector.fromArray(LANES, vc, i).mul(beta2).add(g.mul(g).mul(gain2));
      DoubleVector denom = vi.lanewise(VectorOperators.SQRT).div(sqrtBias2).add(eps);
      DoubleVector.fromArray(LANES, pc, i).mul(decay).sub(mi.div(denom).mul(stepSize)).intoArray(pc, i);
      mi.intoArray(mc, i);
      vi.intoArray(vc, i);
    }
    for (; i < n; i++) {
      double g = gc[i];
      double mi = mc[i] * beta1 + g * gain1;
      double vi = vc[i] * beta2 + g * g * gain2;
      double denom = (double) Math.sqrt(vi) / sqrtBias2 + eps;
      pc[i] = pc[i] * decay - mi / denom * stepSize;
      mc[i] = mi;
      vc[i] = vi;
    }
  }

  /**
   * The step's scalars in this precision, each computed in double first (as PyTorch does with its
   * Python floats): the moments' gains {@code 1 - beta}, whose float would lose six digits if taken
   * from a float beta; decay {@code 1 - lr*wd}; {@code sqrt(1 - beta2^t)}; {@code lr / (1 - beta1^t)}.
   */
  record Hyper(double beta1, double gain1, double beta2, double gain2, double eps, double decay, double sqrtBias2, double stepSize) {}
}
