package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.HostView;
import io.manifoldsweep.model.Scratch;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code torch.optim.AdamW}: decoupled decay {@code p -= lr*wd*p} on every parameter, then Adam with
 * bias correction, written in PyTorch's order of operations.
 */
final class AdamW implements Optimizer {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Params m;
  private final Params v;
  private long t;

  AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, ParamLayout layout, Precision precision) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = Params.zeros(layout, precision);
    this.v = Params.zeros(layout, precision);
  }

  private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_PREFERRED;
  /** Elements per chunk: the four vectors' chunks stay in L1/L2 through the update. */
  private static final int CHUNK = 2048;

  /**
   * One pass over the four flat vectors, chunk by chunk, in PyTorch's order of operations; as ND4J
   * ops the update made a dozen passes over memory. Written with the Vector API because C2 leaves a
   * loop that stores to three arrays scalar.
   */
  @Override
  public void step(Params params, Params grad) {
    t++;
    double decay = 1.0 - lr * weightDecay;
    double bias1 = 1.0 - Math.pow(beta1, t);
    double sqrtBias2 = Math.sqrt(1.0 - Math.pow(beta2, t));
    double stepSize = lr / bias1;
    HostView pView = HostView.of(params.flat());
    HostView gView = HostView.of(grad.flat());
    HostView mView = HostView.of(m.flat());
    HostView vView = HostView.of(v.flat());
    Scratch scratch = Scratch.get();
    double[] pc = scratch.doubles(0, CHUNK);
    double[] gc = scratch.doubles(1, CHUNK);
    double[] mc = scratch.doubles(2, CHUNK);
    double[] vc = scratch.doubles(3, CHUNK);
    int size = Math.toIntExact(params.flat().length());
    for (int start = 0; start < size; start += CHUNK) {
      int n = Math.min(CHUNK, size - start);
      pView.read(start, pc, 0, n);
      gView.read(start, gc, 0, n);
      mView.read(start, mc, 0, n);
      vView.read(start, vc, 0, n);
      update(pc, gc, mc, vc, n, decay, sqrtBias2, stepSize);
      pView.write(pc, 0, start, n);
      mView.write(mc, 0, start, n);
      vView.write(vc, 0, start, n);
    }
  }

  /** Kept small so C2 inlines the Vector API calls; see LayerNorm. */
  private void update(double[] pc, double[] gc, double[] mc, double[] vc, int n, double decay, double sqrtBias2, double stepSize) {
    int i = 0;
    for (; i < LANES.loopBound(n); i += LANES.length()) {
      DoubleVector g = DoubleVector.fromArray(LANES, gc, i);
      DoubleVector mi = DoubleVector.fromArray(LANES, mc, i).mul(beta1).add(g.mul(1.0 - beta1));
      DoubleVector vi = DoubleVector.fromArray(LANES, vc, i).mul(beta2).add(g.mul(g).mul(1.0 - beta2));
      DoubleVector denom = vi.lanewise(VectorOperators.SQRT).div(sqrtBias2).add(eps);
      DoubleVector.fromArray(LANES, pc, i).mul(decay).sub(mi.div(denom).mul(stepSize)).intoArray(pc, i);
      mi.intoArray(mc, i);
      vi.intoArray(vc, i);
    }
    for (; i < n; i++) {
      double g = gc[i];
      double mi = mc[i] * beta1 + g * (1.0 - beta1);
      double vi = vc[i] * beta2 + g * g * (1.0 - beta2);
      double denom = Math.sqrt(vi) / sqrtBias2 + eps;
      pc[i] = pc[i] * decay - mi / denom * stepSize;
      mc[i] = mi;
      vc[i] = vi;
    }
  }

  @Override
  public void reset() {
    t = 0;
    m.flat().assign(0);
    v.flat().assign(0);
  }

  @Override
  public State state() {
    return new State(t, true, List.of(m.toDoubleArray(), v.toDoubleArray()));
  }

  @Override
  public void restore(State state) {
    if (state.vectors().size() != 2) {
      throw new IllegalArgumentException("an AdamW state holds 2 moment vectors, got " + state.vectors().size());
    }
    t = state.steps();
    m.assign(state.vectors().get(0));
    v.assign(state.vectors().get(1));
  }
}
