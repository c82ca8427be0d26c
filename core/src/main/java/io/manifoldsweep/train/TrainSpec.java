package io.manifoldsweep.train;

import static io.manifoldsweep.ConfigException.requirePositive;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.optim.OptimizerSpec;

/**
 * How a run trains (DESIGN section 3).
 *
 * @param steps optimizer updates (default 20000)
 * @param batchSize examples per update (default 128)
 * @param optimizer update rule and hyper-parameters (default AdamW 3e-4, wd 0.01)
 * @param resetOptimizerPerStage curriculum only: fresh optimizer state at each stage, as the public
 *     code does (default false)
 * @param initSeed seed of the initial weights
 * @param dataSeed seed of the training batches and of the commutator probe batches
 * @param evalSeed seed of the fixed eval and probe sets; shared by default so that all runs of a
 *     sweep are measured on the same examples (default 1234)
 * @param precision float32 (default) or float64
 */
public record TrainSpec(
    int steps,
    int batchSize,
    OptimizerSpec optimizer,
    boolean resetOptimizerPerStage,
    long initSeed,
    long dataSeed,
    long evalSeed,
    Precision precision) {

  public static final long DEFAULT_EVAL_SEED = 1234;

  public TrainSpec {
    requirePositive("train.steps", steps);
    requirePositive("train.batch_size", batchSize);
    if (optimizer == null) {
      throw new ConfigException("train.optimizer", "null", "is required");
    }
    if (precision == null) {
      throw new ConfigException("train.precision", "null", "must be float32 or float64");
    }
  }

  public static TrainSpec defaults(long initSeed, long dataSeed) {
    return new TrainSpec(
        20000,
        128,
        OptimizerSpec.DEFAULT,
        false,
        initSeed,
        dataSeed,
        DEFAULT_EVAL_SEED,
        Precision.FLOAT32);
  }
}
