package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.HostView;

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

  /** Elements per chunk: the four vectors' chunks stay in L1/L2 through the update. */
  private static final int CHUNK = 2048;

  /**
   * One pass over the four flat vectors, chunk by chunk, in PyTorch's order of operations; as ND4J
   * ops the update made a dozen passes over memory.
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
    double[] pc = new double[CHUNK];
    double[] gc = new double[CHUNK];
    double[] mc = new double[CHUNK];
    double[] vc = new double[CHUNK];
    int size = Math.toIntExact(params.flat().length());
    for (int start = 0; start < size; start += CHUNK) {
      int n = Math.min(CHUNK, size - start);
      pView.read(start, pc, 0, n);
      gView.read(start, gc, 0, n);
      mView.read(start, mc, 0, n);
      vView.read(start, vc, 0, n);
      for (int i = 0; i < n; i++) {
        double g = gc[i];
        double p = weightDecay > 0 ? pc[i] * decay : pc[i];
        double mi = mc[i] * beta1 + g * (1.0 - beta1);
        double vi = vc[i] * beta2 + g * g * (1.0 - beta2);
        double denom = Math.sqrt(vi) / sqrtBias2 + eps;
        pc[i] = p - mi / denom * stepSize;
        mc[i] = mi;
        vc[i] = vi;
      }
      pView.write(pc, 0, start, n);
      mView.write(mc, 0, start, n);
      vView.write(vc, 0, start, n);
    }
  }

  @Override
  public void reset() {
    t = 0;
    m.flat().assign(0);
    v.flat().assign(0);
  }
}
