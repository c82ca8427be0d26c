package io.manifoldsweep.train;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.task.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The SGD commutator of two batches (method section 4): {@code delta = theta_AB - theta_BA} for
 * plain SGD steps of size eta, A first. Computed as {@code eta*(gA(theta - eta gB) - gA(theta)) -
 * eta*(gB(theta - eta gA) - gB(theta))}, the same quantity without subtracting two nearly equal
 * parameter vectors, which would cost float32 all its digits. The caller's parameters are never
 * modified.
 */
public final class CommutatorProbe {
  /**
   * One measurement. {@code delta} is the full flat vector in canonical order; {@code stepNormA} is
   * {@code |eta g_A|}, the size of A's probe step.
   */
  public record Sample(
      double[] delta, double deltaNorm, double defect, double gradCosine, double stepNormA) {}

  private final Transformer model;
  private final Params gradA;
  private final Params gradB;
  private final Params gradAShifted;
  private final Params gradBShifted;
  private final Params shifted;

  /**
   * Where the vector arithmetic between the gradients writes, in place: each ND4J op that returns a
   * new vector maps fresh native memory of the model's size, and its page faults and deallocator
   * bookkeeping cost a canonical pair about 6 ms, a twentieth of its four gradients (Zen 5).
   */
  private final Params scratch;

  public CommutatorProbe(Transformer model, Params like) {
    this.model = model;
    this.gradA = Params.zeros(like.layout(), like.precision());
    this.gradB = Params.zeros(like.layout(), like.precision());
    this.gradAShifted = Params.zeros(like.layout(), like.precision());
    this.gradBShifted = Params.zeros(like.layout(), like.precision());
    this.shifted = Params.zeros(like.layout(), like.precision());
    this.scratch = Params.zeros(like.layout(), like.precision());
  }

  public Sample measure(Params theta, Batch a, Batch b, double eta) {
    gradient(theta, a, gradA);
    gradient(theta, b, gradB);
    step(theta, gradB, eta);
    gradient(shifted, a, gradAShifted);
    step(theta, gradA, eta);
    gradient(shifted, b, gradBShifted);
    try (Workspaces.Scope ignored = Workspaces.open("commutator")) {
      INDArray ga = gradA.flat();
      INDArray gb = gradB.flat();
      INDArray delta =
          scratch
              .flat()
              .assign(gradAShifted.flat())
              .subi(ga)
              .subi(gradBShifted.flat())
              .addi(gb)
              .muli(eta);
      double normA = ga.norm2Number().doubleValue();
      double normB = gb.norm2Number().doubleValue();
      double deltaNorm = delta.norm2Number().doubleValue();
      double defect = deltaNorm / (eta * normA * eta * normB);
      double[] deltaValues = delta.toDoubleVector();
      double cosine =
          scratch.flat().assign(ga).muli(gb).sumNumber().doubleValue() / (normA * normB);
      return new Sample(deltaValues, deltaNorm, defect, cosine, eta * normA);
    }
  }

  /** {@code shifted = theta - eta * grad}, rounded as {@code theta - (eta * grad)}. */
  private void step(Params theta, Params grad, double eta) {
    shifted.flat().assign(grad.flat()).muli(-eta).addi(theta.flat());
  }

  private void gradient(Params at, Batch batch, Params out) {
    try (Workspaces.Scope ignored = Workspaces.open("commutator")) {
      model.lossAndGradient(at, batch, out);
    }
  }
}
