package io.manifoldsweep.train;

import io.manifoldsweep.intervene.Intervention;
import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.Optimizer;
import io.manifoldsweep.task.Batch;

/**
 * One optimizer update in its own workspace, in the order of method 9.3: forward, backward, clip,
 * intervention, optimizer.
 */
public final class TrainingStep {
  private final Transformer model;
  private final Params params;
  private final Params grad;
  private final Optimizer optimizer;
  private double gradClip;
  private Intervention intervention;
  private Params before;
  private double[] lastUpdate;

  public TrainingStep(Transformer model, Params params, Optimizer optimizer) {
    this.model = model;
    this.params = params;
    this.grad = Params.zeros(params.layout(), params.precision());
    this.optimizer = optimizer;
  }

  /** This step clipping the gradient's norm at {@code maxNorm} (0: not at all). */
  public TrainingStep clipping(double maxNorm) {
    this.gradClip = maxNorm;
    return this;
  }

  /** This step with an intervention on the updates it changes. */
  public TrainingStep intervening(Intervention intervention) {
    this.intervention = intervention;
    this.before = Params.zeros(params.layout(), params.precision());
    return this;
  }

  /** Applies update 1, as a run's first; see {@link #apply(Batch, long)}. */
  public double apply(Batch batch) {
    return apply(batch, 1);
  }

  /**
   * Applies update {@code update} (counted from 1: the update that makes step {@code update}) and
   * returns the batch loss before it. A non-finite loss leaves the parameters untouched, so a
   * diverged run keeps its last finite weights.
   */
  public double apply(Batch batch, long update) {
    try (Workspaces.Scope ignored = Workspaces.open("step")) {
      double loss = model.lossAndGradient(params, batch, grad);
      if (Double.isFinite(loss)) {
        if (gradClip > 0) {
          GradientClip.apply(grad, gradClip);
        }
        if (intervention == null) {
          optimizer.step(params, grad);
          return loss;
        }
        before.flat().assign(params.flat());
        if (intervention.projectsGradient(update)) {
          intervention.project(grad);
        }
        if (intervention.projectsUpdate(update)) {
          optimizer.step(params, grad, intervention::project);
        } else {
          optimizer.step(params, grad);
        }
        lastUpdate = difference(params, before);
      }
      return loss;
    }
  }

  /**
   * The change the last update made to the weights, for an intervention's statistics; null before
   * one.
   */
  public double[] lastUpdate() {
    return lastUpdate;
  }

  public void resetOptimizer() {
    optimizer.reset();
  }

  private static double[] difference(Params after, Params before) {
    int n = Math.toIntExact(after.flat().length());
    double[] a = new double[n];
    double[] b = new double[n];
    HostView.of(after.flat()).readAll(a);
    HostView.of(before.flat()).readAll(b);
    for (int i = 0; i < n; i++) {
      a[i] -= b[i];
    }
    return a;
  }
}
