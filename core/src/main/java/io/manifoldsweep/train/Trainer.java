package io.manifoldsweep.train;

import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.Optimizer;
import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.EvalResult;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RecordSink;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.record.SnapshotRecord;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Trains one cell and writes its records (DESIGN sections 3 and 4). A plain library call with no
 * Spark in it: the sweep job and the tests run exactly this code.
 *
 * <p>Step {@code s} means "after s updates"; update {@code s+1} uses the batch of step s, which is
 * a pure function of {@code (data_seed, s)}. Records at step 0 describe the initial weights.
 */
public final class Trainer {
  private final CellConfig config;
  private final ProgressListener progress;

  public Trainer(CellConfig config, ProgressListener progress) {
    this.config = config;
    this.progress = progress;
  }

  /** Trains from step 0 to the end, keeping no resume points. */
  public RunResult run(RecordSink sink) {
    try {
      return run(sink, ResumeStore.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Trains the cell, continuing from the store's latest resume point if it has one, and saving a
   * point every {@code record.resume_every} steps after that step's records are written.
   */
  public RunResult run(RecordSink sink, ResumeStore store) throws IOException {
    long start = System.nanoTime();
    TrainSpec train = config.train();
    RecordSpec rec = config.record();
    TaskSpec taskSpec = config.task();
    MarkerTask task = new MarkerTask(taskSpec);
    ParamLayout layout = ParamLayout.of(config.model());
    Transformer model = new Transformer(layout);
    Params params = Params.initialise(layout, train.precision(), train.initSeed());
    Optimizer optimizer = train.optimizer().create(layout, train.precision());
    TrainingStep update = new TrainingStep(model, params, optimizer);
    Evaluator evaluator = new Evaluator(model, task, train.evalSeed(), rec.evalExamples());
    AttentionProbe attention =
        new AttentionProbe(model, task, train.evalSeed(), rec.probeExamples());
    CommutatorProbe commutators =
        rec.commutatorEvery() > 0 ? new CommutatorProbe(model, params) : null;
    Curriculum curriculum = new Curriculum(taskSpec, train.steps());
    long[] checkpointSteps = rec.checkpoints().steps(train.steps());

    Optional<ResumePoint> resumed = store.latest();
    long first;
    double lossSum = 0;
    int lossCount = 0;
    double lastAccuracy;
    double earlierSeconds;
    RecordingClock recording;
    List<Long> resumedFrom = new ArrayList<>();
    if (resumed.isPresent()) {
      ResumePoint p = resumed.get();
      params.assign(p.params());
      optimizer.restore(p.optimizer());
      first = p.step();
      lossSum = p.lossSum();
      lossCount = p.lossCount();
      lastAccuracy = p.lastAccuracy();
      earlierSeconds = p.trainingSeconds();
      recording = new RecordingClock(p.recordingSeconds());
      resumedFrom.addAll(p.resumedFrom());
      resumedFrom.add(first);
    } else {
      first = 0;
      earlierSeconds = 0;
      recording = new RecordingClock(0);
      EvalResult eval = recording.time(() -> evaluator.evaluate(params));
      lastAccuracy = eval.pooledAccuracy();
      recording.time(() -> snapshot(sink, layout, params, 0));
      recording.time(
          () -> sink.metrics(new MetricsRecord(0, Double.NaN, eval, attention.measure(params))));
      if (commutators != null) {
        recording.time(
            () ->
                sink.commutator(
                    probeCommutators(commutators, task, params, 0, curriculum, layout)));
      }
      if (checkpointSteps.length > 0 && checkpointSteps[0] == 0) {
        recording.time(() -> sink.checkpoint(new CheckpointRecord(0, params.toFloatArray())));
      }
    }
    progress.onStart(first, train.steps());

    for (long s = first; s < train.steps(); s++) {
      if (Thread.currentThread().isInterrupted()) {
        // a cancelled Spark task: stop within a step, leaving the last resume point for the next
        // attempt
        throw new java.util.concurrent.CancellationException("training interrupted at step " + s);
      }
      int stage = curriculum.stage(s);
      if (train.resetOptimizerPerStage() && s > 0 && stage != curriculum.stage(s - 1)) {
        update.resetOptimizer();
      }
      Batch batch =
          task.trainBatch(
              train.dataSeed(),
              s,
              train.batchSize(),
              curriculum.mMin(stage),
              curriculum.mMax(stage));
      double loss = update.apply(batch);
      if (!Double.isFinite(loss)) {
        return new RunResult(
            RunStatus.DIVERGED,
            s,
            earlierSeconds + seconds(start),
            recording.seconds(),
            lastAccuracy,
            "training loss became " + loss + " at step " + s,
            resumedFrom,
            s - first);
      }
      lossSum += loss;
      lossCount++;
      long step = s + 1;
      boolean last = step == train.steps();
      boolean snapshot = step % rec.snapshotEvery() == 0 || last;
      boolean evaluate = step % rec.evalEvery() == 0 || last;
      // an eval step between snapshots gets a metrics row of its own, so that an eval_every that is
      // no multiple of snapshot_every is honoured rather than thinned to their common multiples
      if (snapshot || evaluate) {
        EvalResult stepEval = evaluate ? recording.time(() -> evaluator.evaluate(params)) : null;
        if (stepEval != null) {
          lastAccuracy = stepEval.pooledAccuracy();
        }
        double trainLoss = lossSum / lossCount;
        if (snapshot) {
          recording.time(() -> snapshot(sink, layout, params, step));
        }
        recording.time(
            () ->
                sink.metrics(
                    new MetricsRecord(step, trainLoss, stepEval, attention.measure(params))));
        progress.onProgress(step, train.steps(), trainLoss);
        lossSum = 0;
        lossCount = 0;
      }
      if (commutators != null && step % rec.commutatorEvery() == 0) {
        recording.time(
            () ->
                sink.commutator(
                    probeCommutators(commutators, task, params, step, curriculum, layout)));
      }
      if (Arrays.binarySearch(checkpointSteps, step) >= 0) {
        recording.time(() -> sink.checkpoint(new CheckpointRecord(step, params.toFloatArray())));
      }
      if (rec.resumeEvery() > 0 && step % rec.resumeEvery() == 0 && !last) {
        store.save(
            new ResumePoint(
                step,
                params.toDoubleArray(),
                optimizer.state(),
                lossSum,
                lossCount,
                lastAccuracy,
                earlierSeconds + seconds(start),
                recording.seconds(),
                resumedFrom));
      }
    }
    return new RunResult(
        RunStatus.OK,
        train.steps(),
        earlierSeconds + seconds(start),
        recording.seconds(),
        lastAccuracy,
        "",
        resumedFrom,
        train.steps() - first);
  }

  private void snapshot(RecordSink sink, ParamLayout layout, Params params, long step) {
    for (String block : layout.blockNames()) {
      sink.snapshot(
          new SnapshotRecord(step, block, params.tensorAsFloats(layout.blockEntry(block).name())));
    }
    if (config.record().fullParams()) {
      sink.snapshot(new SnapshotRecord(step, "params", params.toFloatArray()));
    }
  }

  /** Commutator pairs use the m range training uses at this step, from their own random stream. */
  private CommutatorRecord probeCommutators(
      CommutatorProbe probe,
      MarkerTask task,
      Params params,
      long step,
      Curriculum curriculum,
      ParamLayout layout) {
    RecordSpec rec = config.record();
    TrainSpec train = config.train();
    int stage = curriculum.stage(Math.min(step, train.steps() - 1));
    List<CommutatorProbe.Sample> samples = new ArrayList<>();
    for (int k = 0; k < rec.commutatorPairs(); k++) {
      Batch a =
          task.commutatorBatch(
              train.dataSeed(),
              step,
              k,
              0,
              train.batchSize(),
              curriculum.mMin(stage),
              curriculum.mMax(stage));
      Batch b =
          task.commutatorBatch(
              train.dataSeed(),
              step,
              k,
              1,
              train.batchSize(),
              curriculum.mMin(stage),
              curriculum.mMax(stage));
      samples.add(probe.measure(params, a, b, rec.commutatorEta()));
    }
    return CommutatorSummary.summarise(step, samples, layout, rec.commutatorVectors());
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
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
