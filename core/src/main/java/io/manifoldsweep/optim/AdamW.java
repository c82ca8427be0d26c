package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import java.util.List;

/**
 * {@code torch.optim.AdamW}: decoupled decay {@code p -= lr*wd*p} on every parameter, then Adam
 * with bias correction, written in PyTorch's order of operations.
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

  AdamW(
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      ParamLayout layout,
      Precision precision) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = Params.zeros(layout, precision);
    this.v = Params.zeros(layout, precision);
  }

  /** The update in the run's precision: {@link AdamWFloat64} or its generated float twin. */
  @Override
  public void step(Params params, Params grad) {
    t++;
    double decay = 1.0 - lr * weightDecay;
    double sqrtBias2 = Math.sqrt(1.0 - Math.pow(beta2, t));
    double stepSize = lr / (1.0 - Math.pow(beta1, t));
    if (params.precision() == Precision.FLOAT32) {
      AdamWFloat32.step(
          params.flat(),
          grad.flat(),
          m.flat(),
          v.flat(),
          new AdamWFloat32.Hyper(
              (float) beta1,
              (float) (1.0 - beta1),
              (float) beta2,
              (float) (1.0 - beta2),
              (float) eps,
              (float) decay,
              (float) sqrtBias2,
              (float) stepSize));
    } else {
      AdamWFloat64.step(
          params.flat(),
          grad.flat(),
          m.flat(),
          v.flat(),
          new AdamWFloat64.Hyper(
              beta1, 1.0 - beta1, beta2, 1.0 - beta2, eps, decay, sqrtBias2, stepSize));
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
      throw new IllegalArgumentException(
          "an AdamW state holds 2 moment vectors, got " + state.vectors().size());
    }
    t = state.steps();
    m.assign(state.vectors().get(0));
    v.assign(state.vectors().get(1));
  }
}
