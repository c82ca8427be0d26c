package io.manifoldsweep.train;

import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.model.Params;

/**
 * Clipping by global norm, as torch.nn.utils.clip_grad_norm_: the gradient is scaled by {@code
 * min(1, maxNorm / (|g| + 1e-6))}, |g| the L2 norm over every parameter (summed in double here, in
 * any precision).
 */
final class GradientClip {
  private GradientClip() {}

  /** The scale applied to {@code grad}, in place; 1 leaves it as it was. */
  static double apply(Params grad, double maxNorm) {
    double sum = HostView.of(grad.flat()).sumOfSquares();
    double coefficient = Math.min(1, maxNorm / (Math.sqrt(sum) + 1e-6));
    if (coefficient < 1) {
      grad.flat().muli(coefficient);
    }
    return coefficient;
  }
}
