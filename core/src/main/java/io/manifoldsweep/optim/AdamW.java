package io.manifoldsweep.optim;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import java.util.List;
import java.util.function.Consumer;

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

  /** The update an intervention transforms; made on first use. */
  private Params update;

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
    if (params.precision() == Precision.FLOAT32) {
      AdamWFloat32.step(
          params.flat(), grad.flat(), m.flat(), v.flat(), AdamWFloat32.Hyper.of(scalars()));
    } else {
      AdamWFloat64.step(
          params.flat(), grad.flat(), m.flat(), v.flat(), AdamWFloat64.Hyper.of(scalars()));
    }
  }

  @Override
  public void step(Params params, Params grad, Consumer<Params> transform) {
    t++;
    if (update == null) {
      update = Params.zeros(params.layout(), params.precision());
    }
    if (params.precision() == Precision.FLOAT32) {
      AdamWFloat32.Hyper h = AdamWFloat32.Hyper.of(scalars());
      AdamWFloat32.moments(grad.flat(), m.flat(), v.flat(), update.flat(), h);
      transform.accept(update);
      AdamWFloat32.apply(params.flat(), update.flat(), h);
    } else {
      AdamWFloat64.Hyper h = AdamWFloat64.Hyper.of(scalars());
      AdamWFloat64.moments(grad.flat(), m.flat(), v.flat(), update.flat(), h);
      transform.accept(update);
      AdamWFloat64.apply(params.flat(), update.flat(), h);
    }
  }

  /**
   * This step's scalars in 64-bit arithmetic, as PyTorch computes them with its Python floats: the
   * moments' gains {@code 1 - beta}, which would lose six digits if taken from a 32-bit beta; decay
   * {@code 1 - lr*wd}; {@code sqrt(1 - beta2^t)}; {@code lr / (1 - beta1^t)}.
   */
  record Scalars(
      double beta1,
      double gain1,
      double beta2,
      double gain2,
      double eps,
      double decay,
      double sqrtBias2,
      double stepSize) {}

  private Scalars scalars() {
    return new Scalars(
        beta1,
        1.0 - beta1,
        beta2,
        1.0 - beta2,
        eps,
        1.0 - lr * weightDecay,
        Math.sqrt(1.0 - Math.pow(beta2, t)),
        lr / (1.0 - Math.pow(beta1, t)));
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
