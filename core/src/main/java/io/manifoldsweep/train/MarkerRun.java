package io.manifoldsweep.train;

import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.record.AttentionStats;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;

/**
 * The marker task's run (method sections 1 and 4): batches of the curriculum's stage, fixed eval
 * and probe sets per marker count. Commutator and kick pairs use the m range training uses at their
 * step.
 */
final class MarkerRun extends TaskRun {
  private final MarkerTask task;
  private final TrainSpec train;
  private final Curriculum curriculum;
  private final Evaluator evaluator;
  private final AttentionProbe probe;

  MarkerRun(CellConfig config, Transformer model) {
    this.task = new MarkerTask(config.task());
    this.train = config.train();
    this.curriculum = new Curriculum(config.task(), train.steps());
    RecordSpec rec = config.record();
    this.evaluator = new Evaluator(model, task, train.evalSeed(), rec.evalExamples());
    this.probe = new AttentionProbe(model, task, train.evalSeed(), rec.probeExamples());
  }

  @Override
  public Batch trainBatch(long step) {
    int stage = curriculum.stage(step);
    return task.trainBatch(
        train.dataSeed(), step, train.batchSize(), curriculum.mMin(stage), curriculum.mMax(stage));
  }

  @Override
  Batch commutatorBatch(long step, int pair, int side) {
    int stage = curriculum.stage(Math.min(step, train.steps() - 1));
    return task.commutatorBatch(
        train.dataSeed(),
        step,
        pair,
        side,
        train.batchSize(),
        curriculum.mMin(stage),
        curriculum.mMax(stage));
  }

  @Override
  Batch kickBatch(long step, int pair, int side) {
    int stage = curriculum.stage(Math.min(step, train.steps() - 1));
    return task.kickBatch(
        train.dataSeed(),
        step,
        pair,
        side,
        train.batchSize(),
        curriculum.mMin(stage),
        curriculum.mMax(stage));
  }

  @Override
  boolean resetsOptimizerBefore(long step) {
    return train.resetOptimizerPerStage()
        && step > 0
        && curriculum.stage(step) != curriculum.stage(step - 1);
  }

  @Override
  Evaluation evaluate(Params params) {
    return new Evaluation(evaluator.evaluate(params), null);
  }

  @Override
  AttentionStats attention(Params params) {
    return probe.measure(params);
  }

  /**
   * Equal consecutive stages m = min..max under the curriculum; one stage covering all m otherwise.
   */
  static final class Curriculum {
    private final TaskSpec task;
    private final int stages;
    private final long stageLength;

    Curriculum(TaskSpec task, long steps) {
      this.task = task;
      this.stages = task.schedule() == Schedule.CURRICULUM ? task.markerCountChoices() : 1;
      this.stageLength = Math.max(1, steps / stages);
    }

    int stage(long step) {
      return (int) Math.min(stages - 1, step / stageLength);
    }

    int mMin(int stage) {
      return stages == 1 ? task.markersMin() : task.markersMin() + stage;
    }

    int mMax(int stage) {
      return stages == 1 ? task.markersMax() : task.markersMin() + stage;
    }
  }
}
