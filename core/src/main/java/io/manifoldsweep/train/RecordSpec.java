package io.manifoldsweep.train;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.task.TaskKind;
import io.manifoldsweep.task.TaskSpec;
import java.io.Serializable;

/** What a run records and how often (method section 4): the record section's knobs. */
public final class RecordSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection("record", "What a run records and how often (method section 4).");

  public static final Knob<Integer> SNAPSHOT_EVERY =
      KNOBS
          .integer(
              "snapshot_every",
              100,
              "Steps between snapshots of the attention matrices (and attention probes); step 0 and the last step"
                  + " are always taken.")
          .positive();
  public static final Knob<Integer> EVAL_EVERY =
      KNOBS
          .integer(
              "eval_every",
              500,
              "Steps between evaluations; step 0 and the last step are always evaluated, and an eval step that is no"
                  + " snapshot step gets a metrics row of its own.")
          .positive();
  public static final Knob<Integer> EVAL_EXAMPLES =
      KNOBS
          .integer("eval_examples", 1024, "Examples per marker count in each fixed eval set.")
          .positive()
          .onlyWhen(TaskSpec.KIND, TaskKind.MARKER);
  public static final Knob<Integer> PROBE_EXAMPLES =
      KNOBS
          .integer(
              "probe_examples", 256, "Examples per marker count in the attention probe batches.")
          .positive()
          .onlyWhen(TaskSpec.KIND, TaskKind.MARKER);
  public static final Knob<Integer> COMMUTATOR_EVERY =
      KNOBS
          .integer("commutator_every", 500, "Steps between commutator probes; 0 for none.")
          .nonNegative("must be >= 0 (0 turns the probe off)");
  public static final Knob<Integer> COMMUTATOR_PAIRS =
      KNOBS
          .integer("commutator_pairs", 9, "K: batch pairs per commutator probe, 4K gradients.")
          .positive();
  public static final Knob<Double> COMMUTATOR_ETA =
      KNOBS.number("commutator_eta", 1e-3, "The probe's plain SGD step.").positive();
  public static final Knob<CommutatorVectors> COMMUTATOR_VECTORS =
      KNOBS.choice(
          "commutator_vectors",
          CommutatorVectors.class,
          CommutatorVectors.ATTENTION,
          "Which coordinates of the median pair's delta to store: every live one, the attention blocks', or none.");
  public static final Knob<Boolean> FULL_PARAMS =
      KNOBS.bool("full_params", false, "Also snapshot the whole flat parameter vector.");
  public static final Knob<Checkpoints> CHECKPOINTS =
      KNOBS
          .knob(
              "checkpoints",
              Checkpoints.TYPE,
              Checkpoints.DEFAULT,
              "When to save the whole parameter vector for the SAE analysis: fractions of the steps (0.4) or steps"
                  + " (2000); [] for none.")
          .identity(Knob.Identity.NEVER);
  public static final Knob<Integer> RESUME_EVERY =
      KNOBS
          .integer(
              "resume_every",
              5000,
              "Steps between resume points, from which a retried or restarted cell continues; 0 for none.")
          .nonNegative("must be >= 0 (0 turns resume points off)")
          .identity(Knob.Identity.NEVER);

  private final KnobValues values;

  /** The recording of {@code values}, which hold (at least) the record section. */
  public RecordSpec(KnobValues values) {
    this.values = values;
  }

  public int snapshotEvery() {
    return values.get(SNAPSHOT_EVERY);
  }

  public int evalEvery() {
    return values.get(EVAL_EVERY);
  }

  public int evalExamples() {
    return values.get(EVAL_EXAMPLES);
  }

  public int probeExamples() {
    return values.get(PROBE_EXAMPLES);
  }

  public int commutatorEvery() {
    return values.get(COMMUTATOR_EVERY);
  }

  public int commutatorPairs() {
    return values.get(COMMUTATOR_PAIRS);
  }

  public double commutatorEta() {
    return values.get(COMMUTATOR_ETA);
  }

  public CommutatorVectors commutatorVectors() {
    return values.get(COMMUTATOR_VECTORS);
  }

  public boolean fullParams() {
    return values.get(FULL_PARAMS);
  }

  public Checkpoints checkpoints() {
    return values.get(CHECKPOINTS);
  }

  public int resumeEvery() {
    return values.get(RESUME_EVERY);
  }

  @Override
  public String toString() {
    return String.valueOf(values.tree(java.util.List.of(KNOBS), k -> true).get(KNOBS.name()));
  }
}
