package io.manifoldsweep.train;

import static io.manifoldsweep.ConfigException.requireNonNegative;
import static io.manifoldsweep.ConfigException.requirePositive;

import io.manifoldsweep.ConfigException;

/**
 * What a run records and how often (DESIGN section 4).
 *
 * @param snapshotEvery steps between weight snapshots; step 0 and the last step are always taken
 *     (default 100)
 * @param evalEvery steps between evaluations on the fixed eval sets; step 0 and the last step are
 *     always evaluated, and an eval step that is no snapshot step gets a metrics row (train loss,
 *     eval, attention probe) without weights (default 500)
 * @param evalExamples examples per marker count in each eval set (default 1024)
 * @param probeExamples examples per marker count in the attention probe batches (default 256)
 * @param commutatorEvery steps between commutator probes, 0 for none (default 500)
 * @param commutatorPairs K, batch pairs per probe (default 9)
 * @param commutatorEta probe SGD step (default 1e-3)
 * @param commutatorVectors which delta coordinates to keep (default attention)
 * @param fullParams also snapshot the whole flat parameter vector (default false)
 * @param checkpoints when to save the whole parameter vector for the SAE analysis (default 10%, 40%
 *     and 90% of the steps); not part of a cell's id
 * @param resumeEvery steps between resume points, from which a retried or restarted cell continues
 *     (default 5000, about five minutes of a canonical cell; 0 for none); not part of a cell's id
 */
public record RecordSpec(
    int snapshotEvery,
    int evalEvery,
    int evalExamples,
    int probeExamples,
    int commutatorEvery,
    int commutatorPairs,
    double commutatorEta,
    CommutatorVectors commutatorVectors,
    boolean fullParams,
    Checkpoints checkpoints,
    int resumeEvery) {

  public static final int DEFAULT_RESUME_EVERY = 5000;
  public static final RecordSpec DEFAULT =
      new RecordSpec(
          100,
          500,
          1024,
          256,
          500,
          9,
          1e-3,
          CommutatorVectors.ATTENTION,
          false,
          Checkpoints.DEFAULT,
          DEFAULT_RESUME_EVERY);

  public RecordSpec {
    requirePositive("record.snapshot_every", snapshotEvery);
    requirePositive("record.eval_every", evalEvery);
    requirePositive("record.eval_examples", evalExamples);
    requirePositive("record.probe_examples", probeExamples);
    if (commutatorEvery < 0) {
      throw new ConfigException(
          "record.commutator_every", commutatorEvery, "must be >= 0 (0 turns the probe off)");
    }
    requirePositive("record.commutator_pairs", commutatorPairs);
    requirePositive("record.commutator_eta", commutatorEta);
    requireNonNegative("record.commutator_eta", commutatorEta);
    if (commutatorVectors == null) {
      throw new ConfigException(
          "record.commutator_vectors", "null", "must be full, attention or none");
    }
    if (resumeEvery < 0) {
      throw new ConfigException(
          "record.resume_every", resumeEvery, "must be >= 0 (0 turns resume points off)");
    }
    if (checkpoints == null) {
      throw new ConfigException(
          Checkpoints.KEY, "null", "must be a list of fractions and steps, [] for none");
    }
  }
}
