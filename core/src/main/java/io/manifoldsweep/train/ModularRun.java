package io.manifoldsweep.train;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.record.SplitEval;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.ModularTask;

/**
 * The modular task's run (method 9.1): batches drawn with replacement from the train split (or the
 * whole split with {@code batch_size: full}), and every eval on the whole train and test splits.
 * Commutator and kick pairs draw from the train split too, from their own streams. It has no probe
 * sets, so no attention statistics.
 */
final class ModularRun extends TaskRun {
  /** Rows per inference pass: what the marker task's 32 sequences of 16 make. */
  static final int PASS_ROWS = Transformer.INFERENCE_SEQUENCES * 16;

  private final ModularTask task;
  private final Transformer model;
  private final int batchSize;
  private final boolean fullBatch;
  private final Batch trainSplit;
  private final Batch testSplit;

  ModularRun(CellConfig config, Transformer model) {
    this.task = new ModularTask(config.task(), config.train().dataSeed());
    this.model = model;
    this.trainSplit = task.trainSplit();
    this.testSplit = task.testSplit();
    this.batchSize = config.train().fullBatch() ? task.trainSize() : config.train().batchSize();
    this.fullBatch = config.train().fullBatch();
  }

  @Override
  public Batch trainBatch(long step) {
    return fullBatch ? trainSplit : task.trainBatch(step, batchSize);
  }

  @Override
  Batch commutatorBatch(long step, int pair, int side) {
    return task.commutatorBatch(step, pair, side, batchSize);
  }

  @Override
  Batch kickBatch(long step, int pair, int side) {
    return task.kickBatch(step, pair, side, batchSize);
  }

  @Override
  boolean resetsOptimizerBefore(long step) {
    return false;
  }

  @Override
  Evaluation evaluate(Params params) {
    double[] train = lossAndAccuracy(params, trainSplit);
    double[] test = lossAndAccuracy(params, testSplit);
    return new Evaluation(null, new SplitEval(train[1], train[0], test[1], test[0]));
  }

  /** Mean loss and accuracy over a whole split, a pass of about PASS_ROWS rows at a time. */
  private double[] lossAndAccuracy(Params params, Batch split) {
    int chunk = Math.max(1, PASS_ROWS / split.seqLen());
    double lossSum = 0;
    double correct = 0;
    for (int from = 0; from < split.size(); from += chunk) {
      Batch part = split.slice(from, Math.min(split.size(), from + chunk));
      try (Workspaces.Scope ignored = Workspaces.open("eval")) {
        double[] lc = Transformer.lossAndCorrect(model.infer(params, part).logits(), part.labels());
        lossSum += lc[0] * part.size();
        correct += lc[1];
      }
    }
    return new double[] {lossSum / split.size(), correct / split.size()};
  }

  @Override
  AttentionStats attention(Params params) {
    return AttentionStats.NONE;
  }
}
