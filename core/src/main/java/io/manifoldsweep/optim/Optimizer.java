package io.manifoldsweep.optim;

import io.manifoldsweep.model.Params;

/** An in-place update rule with PyTorch semantics. Temporaries go to the caller's workspace. */
public interface Optimizer {
  void step(Params params, Params grad);

  /** Forgets all state (moments, step count), as a fresh PyTorch optimizer would. */
  void reset();
}
