package io.manifoldsweep.intervene;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import java.io.Serializable;

/**
 * What a cell does to its own training (method section 9.4): nothing (the default), a projection
 * that damps the gradient or the update outside a subspace B of the attention matrices, or kicks
 * along the commutator or a random direction outside B. Part of the cell's id.
 */
public final class InterventionSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of intervention. */
  public enum Kind {
    NONE,
    PROJECT,
    KICK
  }

  /** Where the basis B comes from. */
  public enum Basis {
    /** The top principal directions of each attention matrix's trajectory in the reference run. */
    REFERENCE,
    /** As many random orthonormal directions inside each attention matrix, from the init seed. */
    RANDOM
  }

  /** What a projection changes. */
  public enum Target {
    /** The clipped gradient, before the optimizer (the follow-up's). */
    GRADIENT,
    /** AdamW's update {@code -lr m_hat / (sqrt(v_hat) + eps)}, never its weight decay. */
    UPDATE
  }

  /** Which coordinates a projection changes. */
  public enum Scope {
    /** Every parameter: outside the attention matrices, x becomes (1 - s) x. */
    ALL,
    /** The attention matrices only; every other parameter trains as it would. */
    ATTENTION
  }

  /** Along what a kick moves the weights, outside B. */
  public enum Direction {
    /** The commutator delta of the median-defect pair of fresh batch pairs. */
    COMMUTATOR,
    /** A Gaussian direction over every parameter. */
    RANDOM
  }

  public static final KnobSection KNOBS =
      new KnobSection(
          "intervention",
          "intervention_",
          "A training-time intervention (method 9.4). A sweep trains the reference run each intervened cell needs (the"
              + " same cell without intervention) first, adding it when the grid lacks it.");

  public static final Knob<Kind> KIND =
      KNOBS
          .choice(
              "kind",
              Kind.class,
              Kind.NONE,
              "none, project (damp outside B) or kick (along a direction outside B).")
          .identity(Knob.Identity.UNLESS_DEFAULT);
  public static final Knob<Integer> START =
      KNOBS
          .integer("start", 500, "The first changed update is update start.")
          .nonNegative("must be >= 0")
          .onlyWhen(KIND, Kind.PROJECT, Kind.KICK);
  public static final Knob<Basis> BASIS =
      KNOBS
          .choice(
              "basis",
              Basis.class,
              Basis.REFERENCE,
              "reference: top principal directions of each attention matrix's trajectory in the reference run;"
                  + " random: as many random orthonormal directions inside each attention matrix.")
          .onlyWhen(KIND, Kind.PROJECT, Kind.KICK);
  public static final Knob<Integer> COMPONENTS =
      KNOBS
          .integer(
              "components", 2, "Directions of B per attention matrix: K = 4 x layers x components.")
          .positive()
          .onlyWhen(KIND, Kind.PROJECT, Kind.KICK);
  public static final Knob<Double> STRENGTH =
      KNOBS
          .number("strength", 0.5, "s: P_s(x) = x - s (x - B B^T x) on the scope's coordinates.")
          .within(0, 1)
          .onlyWhen(KIND, Kind.PROJECT);
  public static final Knob<Target> TARGET =
      KNOBS
          .choice(
              "target",
              Target.class,
              Target.GRADIENT,
              "gradient (before the optimizer) or update (AdamW's, not its decay).")
          .onlyWhen(KIND, Kind.PROJECT);
  public static final Knob<Scope> SCOPE =
      KNOBS
          .choice(
              "scope", Scope.class, Scope.ALL, "all parameters, or the attention matrices only.")
          .onlyWhen(KIND, Kind.PROJECT);
  public static final Knob<Double> ALPHA =
      KNOBS
          .number(
              "alpha", 10.0, "A kick moves the weights alpha |eta g_A| along its unit direction.")
          .positive()
          .onlyWhen(KIND, Kind.KICK);
  public static final Knob<Integer> EVERY =
      KNOBS
          .integer("every", 50, "Updates between kicks, from start.")
          .positive()
          .onlyWhen(KIND, Kind.KICK);
  public static final Knob<Direction> DIRECTION =
      KNOBS
          .choice(
              "direction",
              Direction.class,
              Direction.COMMUTATOR,
              "commutator: the median-defect pair's delta; random: a Gaussian; either without its part in B.")
          .onlyWhen(KIND, Kind.KICK);

  private final KnobValues values;

  public InterventionSpec(KnobValues values) {
    this.values = values;
  }

  public Kind kind() {
    return values.get(KIND);
  }

  public boolean none() {
    return kind() == Kind.NONE;
  }

  public int start() {
    return values.get(START);
  }

  public Basis basis() {
    return values.get(BASIS);
  }

  public int components() {
    return values.get(COMPONENTS);
  }

  public double strength() {
    return values.get(STRENGTH);
  }

  public Target target() {
    return values.get(TARGET);
  }

  public Scope scope() {
    return values.get(SCOPE);
  }

  public double alpha() {
    return values.get(ALPHA);
  }

  public int every() {
    return values.get(EVERY);
  }

  public Direction direction() {
    return values.get(DIRECTION);
  }
}
