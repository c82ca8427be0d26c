package io.manifoldsweep.train;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.Optimizer;
import io.manifoldsweep.task.Batch;

/** One optimizer update in its own workspace: forward, backward, update. */
public final class TrainingStep {
  private final Transformer model;
  private final Params params;
  private final Params grad;
  private final Optimizer optimizer;

  public TrainingStep(Transformer model, Params params, Optimizer optimizer) {
    this.model = model;
    this.params = params;
    this.grad = Params.zeros(params.layout(), params.precision());
    this.optimizer = optimizer;
  }

  /**
   * Applies one update and returns the batch loss before it. A non-finite loss leaves the
   * parameters untouched, so a diverged run keeps its last finite weights.
   */
  public double apply(Batch batch) {
    try (Workspaces.Scope ignored = Workspaces.open("step")) {
      double loss = model.lossAndGradient(params, batch, grad);
      if (Double.isFinite(loss)) {
        optimizer.step(params, grad);
      }
      return loss;
    }
  }

  public void resetOptimizer() {
    optimizer.reset();
  }
}
