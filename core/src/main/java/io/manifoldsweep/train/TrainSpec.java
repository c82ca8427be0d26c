package io.manifoldsweep.train;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.optim.OptimizerSpec;
import java.io.Serializable;

/** How a run trains (DESIGN section 3): the train section's knobs. */
public final class TrainSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final KnobSection KNOBS =
      new KnobSection("train", "How a run trains (DESIGN section 3).");

  public static final Knob<Integer> STEPS =
      KNOBS.integer("steps", 20000, "Optimizer updates.").positive();
  public static final Knob<Integer> BATCH_SIZE =
      KNOBS.integer("batch_size", 128, "Examples per update.").positive();
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
      KNOBS.bool(
          "reset_optimizer_per_stage",
          false,
          "Curriculum only: fresh optimizer state at each stage, as the public code does.");
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
}
