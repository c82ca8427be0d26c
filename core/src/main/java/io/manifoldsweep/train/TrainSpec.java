package io.manifoldsweep.train;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobType;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.TaskKind;
import io.manifoldsweep.task.TaskSpec;
import java.io.Serializable;

/** How a run trains (method section 3): the train section's knobs. */
public final class TrainSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection("train", "How a run trains (method sections 3 and 9.3).")
          .group(
              "stop",
              "An early stop on test accuracy (modular task).",
              null,
              "a mapping {test_accuracy, patience, extra_steps}");

  public static final Knob<Integer> STEPS =
      KNOBS.integer("steps", 20000, "Optimizer updates.").positive();

  /** {@code train.batch_size: full}: every update on the whole train split (modular task). */
  public static final int FULL_BATCH = Integer.MIN_VALUE;

  public static final Knob<Integer> BATCH_SIZE =
      KNOBS
          .knob(
              "batch_size",
              KnobType.integerOr("full", FULL_BATCH),
              128,
              "Examples per update; full: the whole train split (modular task), without replacement.")
          .check(v -> v == FULL_BATCH || v > 0 ? null : "must be a positive integer");
  public static final Knob<OptimizerSpec.Kind> OPTIMIZER =
      KNOBS.choice(
          "optimizer", OptimizerSpec.Kind.class, OptimizerSpec.Kind.ADAMW, "The update rule.");
  public static final Knob<Double> LR = KNOBS.number("lr", 3e-4, "Learning rate.").positive();
  public static final Knob<Double> WEIGHT_DECAY =
      KNOBS
          .number(
              "weight_decay",
              0.01,
              "adamw: decoupled decay of every parameter (biases, LayerNorm and embeddings too); sgd: L2 added to"
                  + " the gradient.")
          .nonNegative("must be a finite number >= 0");
  public static final Knob<Double> MOMENTUM =
      KNOBS.number("momentum", 0.0, "sgd: momentum.").unitInterval();
  public static final Knob<Double> BETA1 =
      KNOBS.number("beta1", 0.9, "adamw: first-moment decay.").unitInterval();
  public static final Knob<Double> BETA2 =
      KNOBS.number("beta2", 0.999, "adamw: second-moment decay.").unitInterval();
  public static final Knob<Double> EPS =
      KNOBS.number("eps", 1e-8, "adamw: added to the update's denominator.").positive();
  public static final Knob<Boolean> RESET_OPTIMIZER_PER_STAGE =
      KNOBS
          .bool(
              "reset_optimizer_per_stage",
              false,
              "Curriculum only: fresh optimizer state at each stage, as the public code does.")
          .onlyWhen(TaskSpec.KIND, TaskKind.MARKER);
  public static final Knob<Long> INIT_SEED =
      KNOBS.longValue("init_seed", 0, "Seed of the initial weights.");
  public static final Knob<Long> DATA_SEED =
      KNOBS.longValue(
          "data_seed", 0, "Seed of the training batches and of the commutator probes' batches.");
  public static final Knob<Long> EVAL_SEED =
      KNOBS.longValue(
          "eval_seed",
          1234,
          "Seed of the fixed eval and probe sets; shared by default, so that every run of a sweep is measured on"
              + " the same examples.");
  public static final Knob<Double> GRAD_CLIP =
      KNOBS
          .number(
              "grad_clip",
              0.0,
              "After the backward pass the gradient is scaled by min(1, grad_clip / (|g| + 1e-6)), |g| its L2 norm"
                  + " over every parameter; 0: no clipping.")
          .nonNegative("must be >= 0 (0 turns clipping off)")
          .identity(Knob.Identity.UNLESS_DEFAULT);
  public static final Knob<Double> STOP_TEST_ACCURACY =
      KNOBS
          .knob(
              "stop.test_accuracy",
              KnobType.NUMBER,
              null,
              "Early stop: the run stops extra_steps after the eval at which test accuracy was at least this for"
                  + " patience consecutive evals; train.steps stays the cap. Unset: no early stop.")
          .within(0, 1)
          .onlyWhen(TaskSpec.KIND, TaskKind.MODULAR);
  public static final Knob<Integer> STOP_PATIENCE =
      KNOBS
          .integer("stop.patience", 3, "Consecutive evals at the threshold.")
          .positive()
          .onlyWhenSet(STOP_TEST_ACCURACY);
  public static final Knob<Integer> STOP_EXTRA_STEPS =
      KNOBS
          .integer("stop.extra_steps", 0, "Steps trained after the stop's eval.")
          .nonNegative("must be >= 0")
          .onlyWhenSet(STOP_TEST_ACCURACY);
  public static final Knob<Precision> PRECISION =
      KNOBS.choice(
          "precision",
          Precision.class,
          Precision.FLOAT32,
          "float32, or float64 (the tests' reference).");

  private final KnobValues values;
  private final OptimizerSpec optimizer;

  /** The training of {@code values}, which hold (at least) the train section. */
  public TrainSpec(KnobValues values) {
    this.values = values;
    this.optimizer = new OptimizerSpec(values);
  }

  public int steps() {
    return values.get(STEPS);
  }

  public int batchSize() {
    return values.get(BATCH_SIZE);
  }

  public OptimizerSpec optimizer() {
    return optimizer;
  }

  public boolean resetOptimizerPerStage() {
    return values.get(RESET_OPTIMIZER_PER_STAGE);
  }

  public long initSeed() {
    return values.get(INIT_SEED);
  }

  public long dataSeed() {
    return values.get(DATA_SEED);
  }

  public long evalSeed() {
    return values.get(EVAL_SEED);
  }

  public Precision precision() {
    return values.get(PRECISION);
  }

  /** Whether every update trains on the whole train split. */
  public boolean fullBatch() {
    return batchSize() == FULL_BATCH;
  }

  /** The clipping threshold of the gradient's norm; 0 for none. */
  public double gradClip() {
    return values.get(GRAD_CLIP);
  }

  /** The early stop, if any. */
  public java.util.Optional<Stop> stop() {
    return values.has(STOP_TEST_ACCURACY)
        ? java.util.Optional.of(
            new Stop(
                values.get(STOP_TEST_ACCURACY),
                values.get(STOP_PATIENCE),
                values.get(STOP_EXTRA_STEPS)))
        : java.util.Optional.empty();
  }

  /**
   * Stop {@code extraSteps} after the eval at which test accuracy was at least {@code testAccuracy}
   * for {@code patience} evals in a row.
   */
  public record Stop(double testAccuracy, int patience, int extraSteps) implements Serializable {}
}
