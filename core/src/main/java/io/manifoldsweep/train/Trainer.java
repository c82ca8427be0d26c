package io.manifoldsweep.train;

import io.manifoldsweep.intervene.Basis;
import io.manifoldsweep.intervene.Intervention;
import io.manifoldsweep.intervene.InterventionSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.Optimizer;
import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.CommutatorRecord;
import io.manifoldsweep.record.InterventionStats;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RecordSink;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.record.RunStatus;
import io.manifoldsweep.record.SnapshotRecord;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.RngStream;
import io.manifoldsweep.task.SplitMix64;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Trains one cell and writes its records (method sections 3, 4 and 9). A plain library call with no
 * Spark in it: the sweep job and the tests run exactly this code.
 *
 * <p>Step {@code s} means "after s updates"; update {@code s+1} uses the batch of step s, which is
 * a pure function of {@code (data_seed, s)}. Records at step 0 describe the initial weights. A run
 * with an early stop ends {@code extra_steps} after the eval that met it, and records its last step
 * as a run without one records {@code train.steps}.
 */
public final class Trainer {
  private final CellConfig config;
  private final ProgressListener progress;
  private Basis basis;

  public Trainer(CellConfig config, ProgressListener progress) {
    this.config = config;
    this.progress = progress;
  }

  /**
   * This trainer with the basis of the cell's intervention: one built from its reference run's
   * trajectory (for {@code basis: reference}, which the trainer cannot make itself).
   */
  public Trainer withBasis(Basis basis) {
    this.basis = basis;
    return this;
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
    ParamLayout layout = ParamLayout.of(config.model());
    Transformer model = new Transformer(layout);
    Params params = Params.initialise(layout, train.precision(), train.initSeed());
    Optimizer optimizer = train.optimizer().create(layout, train.precision());
    TaskRun task = TaskRun.of(config, model);
    Intervention intervention = intervention(layout);
    TrainingStep update = new TrainingStep(model, params, optimizer).clipping(train.gradClip());
    if (intervention != null) {
      update.intervening(intervention);
    }
    CommutatorProbe commutators =
        rec.commutatorEvery() > 0
                || intervention != null && intervention.spec().kind() == InterventionSpec.Kind.KICK
            ? new CommutatorProbe(model, params)
            : null;
    long[] checkpointSteps = rec.checkpoints().steps(train.steps());
    EarlyStop stop = new EarlyStop(train.stop(), train.steps());

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
      stop.restore(p.stopRun(), p.stopAt());
      resumedFrom.addAll(p.resumedFrom());
      resumedFrom.add(first);
    } else {
      first = 0;
      earlierSeconds = 0;
      recording = new RecordingClock(0);
      TaskRun.Evaluation eval = recording.time(() -> task.evaluate(params));
      lastAccuracy = eval.accuracy();
      stop.observe(0, eval.split());
      recording.time(() -> snapshot(sink, layout, params, 0));
      recording.time(() -> sink.metrics(metrics(0, Double.NaN, eval, task, params, null)));
      if (rec.commutatorEvery() > 0) {
        recording.time(
            () -> sink.commutator(probeCommutators(commutators, task, params, 0, layout)));
      }
      if (checkpointSteps.length > 0 && checkpointSteps[0] == 0) {
        recording.time(() -> sink.checkpoint(new CheckpointRecord(0, params.toFloatArray())));
      }
    }
    progress.onStart(first, train.steps());

    for (long s = first; s < stop.end(); s++) {
      if (Thread.currentThread().isInterrupted()) {
        // a cancelled Spark task: stop within a step, leaving the last resume point for the next
        // attempt
        throw new java.util.concurrent.CancellationException("training interrupted at step " + s);
      }
      if (task.resetsOptimizerBefore(s)) {
        update.resetOptimizer();
      }
      double loss = update.apply(task.trainBatch(s), s + 1);
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
      long step = s + 1;
      if (intervention != null && intervention.kicksAfter(step)) {
        kick(intervention, commutators, task, params, step);
      }
      lossSum += loss;
      lossCount++;
      boolean evaluate = step % rec.evalEvery() == 0 || step == stop.end();
      TaskRun.Evaluation stepEval = evaluate ? recording.time(() -> task.evaluate(params)) : null;
      if (stepEval != null) {
        lastAccuracy = stepEval.accuracy();
        stop.observe(step, stepEval.split());
      }
      boolean last = step == stop.end();
      boolean snapshot = step % rec.snapshotEvery() == 0 || last;
      // an eval step between snapshots gets a metrics row of its own, so that an eval_every that is
      // no multiple of snapshot_every is honoured rather than thinned to their common multiples
      if (snapshot || evaluate) {
        double trainLoss = lossSum / lossCount;
        if (snapshot) {
          recording.time(() -> snapshot(sink, layout, params, step));
        }
        InterventionStats stats =
            intervention == null ? null : intervention.stats(update.lastUpdate(), params);
        recording.time(() -> sink.metrics(metrics(step, trainLoss, stepEval, task, params, stats)));
        progress.onProgress(step, train.steps(), trainLoss);
        lossSum = 0;
        lossCount = 0;
      }
      if (rec.commutatorEvery() > 0 && step % rec.commutatorEvery() == 0) {
        recording.time(
            () -> sink.commutator(probeCommutators(commutators, task, params, step, layout)));
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
                resumedFrom,
                stop.run(),
                stop.at()));
      }
    }
    return new RunResult(
        RunStatus.OK,
        stop.end(),
        earlierSeconds + seconds(start),
        recording.seconds(),
        lastAccuracy,
        stop.end() < train.steps() ? "early stop: test accuracy met the threshold" : "",
        resumedFrom,
        stop.end() - first);
  }

  /** The cell's intervention with its basis, or null for a cell without one. */
  private Intervention intervention(ParamLayout layout) {
    InterventionSpec spec = config.intervention();
    if (spec.none()) {
      return null;
    }
    if (basis == null && spec.basis() == InterventionSpec.Basis.RANDOM) {
      basis = Basis.random(layout, spec.components(), config.train().initSeed());
    }
    if (basis == null) {
      throw new IllegalStateException(
          "a reference basis needs the reference run's trajectory: give it with withBasis");
    }
    return new Intervention(spec, basis);
  }

  private static MetricsRecord metrics(
      long step,
      double trainLoss,
      TaskRun.Evaluation eval,
      TaskRun task,
      Params params,
      InterventionStats stats) {
    return new MetricsRecord(
        step,
        trainLoss,
        eval == null ? null : eval.perMarkerCount(),
        eval == null ? null : eval.split(),
        task.attention(params),
        stats);
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

  /** The record's pairs from the commutator stream, never the training stream. */
  private CommutatorRecord probeCommutators(
      CommutatorProbe probe, TaskRun task, Params params, long step, ParamLayout layout) {
    List<CommutatorProbe.Sample> samples =
        measurePairs(probe, params, (k, side) -> task.commutatorBatch(step, k, side));
    return CommutatorSummary.summarise(step, samples, layout, config.record().commutatorVectors());
  }

  /**
   * A kick after update {@code update} (method 9.4): fresh pairs from the kicks' own stream, their
   * median-defect sample's delta (or a Gaussian direction) and that sample's {@code |eta g_A|}.
   */
  private void kick(
      Intervention intervention, CommutatorProbe probe, TaskRun task, Params params, long update) {
    List<CommutatorProbe.Sample> samples =
        measurePairs(probe, params, (k, side) -> task.kickBatch(update, k, side));
    CommutatorProbe.Sample median = CommutatorSummary.median(samples);
    double[] direction = median.delta();
    if (intervention.spec().direction() == InterventionSpec.Direction.RANDOM) {
      SplitMix64 rng = RngStream.INTERVENTION.generator(config.train().initSeed(), update);
      direction = new double[direction.length];
      for (int i = 0; i < direction.length; i++) {
        direction[i] = rng.nextGaussian();
      }
    }
    intervention.kick(params, direction, median.stepNormA());
  }

  /** Side {@code side} (0: A, 1: B) of pair {@code k}. */
  @FunctionalInterface
  private interface PairBatches {
    Batch of(int k, int side);
  }

  /** The record's number of commutator pairs, each measured on the batches given. */
  private List<CommutatorProbe.Sample> measurePairs(
      CommutatorProbe probe, Params params, PairBatches batches) {
    RecordSpec rec = config.record();
    List<CommutatorProbe.Sample> samples = new ArrayList<>();
    for (int k = 0; k < rec.commutatorPairs(); k++) {
      samples.add(probe.measure(params, batches.of(k, 0), batches.of(k, 1), rec.commutatorEta()));
    }
    return samples;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
