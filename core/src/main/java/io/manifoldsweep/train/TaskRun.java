package io.manifoldsweep.train;

import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.record.EvalResult;
import io.manifoldsweep.record.SplitEval;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.TaskKind;

/**
 * The task's side of a run: the batch of each training step, the batches of commutator probes and
 * kicks (each from its own stream, so neither changes training), and what is measured at eval and
 * record steps.
 */
public abstract class TaskRun {
  /**
   * An eval: per marker count for the marker task, on the train and test splits for the modular
   * one.
   */
  record Evaluation(EvalResult perMarkerCount, SplitEval split) {
    /** The accuracy the runs row reports: pooled over marker counts, or on the test split. */
    double accuracy() {
      return split != null ? split.testAccuracy() : perMarkerCount.pooledAccuracy();
    }
  }

  /** The run of {@code config}'s task on {@code model}: its batches and measurements. */
  public static TaskRun of(CellConfig config, Transformer model) {
    return config.task().kind() == TaskKind.MARKER
        ? new MarkerRun(config, model)
        : new ModularRun(config, model);
  }

  /** The batch of training step {@code step}, a pure function of the data seed and the step. */
  public abstract Batch trainBatch(long step);

  abstract Batch commutatorBatch(long step, int pair, int side);

  abstract Batch kickBatch(long step, int pair, int side);

  /** Whether the optimizer starts afresh before the update of {@code step} (a curriculum stage). */
  abstract boolean resetsOptimizerBefore(long step);

  abstract Evaluation evaluate(Params params);

  abstract AttentionStats attention(Params params);
}
