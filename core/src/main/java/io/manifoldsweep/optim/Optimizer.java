package io.manifoldsweep.optim;

import io.manifoldsweep.model.Params;
import java.util.List;

/** An in-place update rule with PyTorch semantics. Temporaries go to the caller's workspace. */
public interface Optimizer {
  /**
   * Everything an optimizer carries from step to step, for a run's resume point: a step counter, a
   * flag (SGD's momentum buffer seeded or not), and its parameter-sized vectors in canonical order.
   */
  record State(long steps, boolean started, List<double[]> vectors) {}

  void step(Params params, Params grad);

  /**
   * As {@link #step}, with the update the rule computes from the gradient (not a decoupled weight
   * decay) passed through {@code transform} before it is added: an intervention on the update.
   */
  default void step(Params params, Params grad, java.util.function.Consumer<Params> transform) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " does not expose its update");
  }

  /** Forgets all state (moments, step count), as a fresh PyTorch optimizer would. */
  void reset();

  /** A copy of the state; the values of float32 vectors are exact in double. */
  State state();

  /** Continues from a state that {@link #state} of the same kind of optimizer gave. */
  void restore(State state);
}
