package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.record.InMemoryRecordSink;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.task.Operation;
import io.manifoldsweep.task.Sampling;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.Checkpoints;
import io.manifoldsweep.train.CommutatorVectors;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.RecordSpec;
import io.manifoldsweep.train.TrainSpec;
import io.manifoldsweep.train.Trainer;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One training run of the canonical model in this process, with progress; nothing is written. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train one cell here and print its progress.")
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--steps",
      defaultValue = "500",
      description = "Updates (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--layers",
      defaultValue = "5",
      description = "Blocks (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--d-model",
      defaultValue = "128",
      description = "Width (default ${DEFAULT-VALUE}).")
  int dModel;

  @Option(names = "--heads", defaultValue = "4", description = "Heads (default ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--modulus", defaultValue = "8", description = "C (default ${DEFAULT-VALUE}).")
  int modulus;

  @Option(
      names = "--lr",
      defaultValue = "3e-4",
      description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "init_seed and data_seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Native threads (default ${DEFAULT-VALUE}).")
  int threads;

  private final PrintStream out;

  public TrainCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    NativeThreads.set(threads);
    TaskSpec task =
        new TaskSpec(
            256,
            modulus,
            16,
            1,
            4,
            Schedule.MIXED,
            Operation.ADD,
            100,
            false,
            Sampling.PER_EXAMPLE);
    ModelSpec model = CellConfig.modelFor(task, layers, dModel, heads, false, 512);
    OptimizerSpec opt = new OptimizerSpec(OptimizerSpec.Kind.ADAMW, lr, 0.01, 0, 0.9, 0.999, 1e-8);
    TrainSpec train =
        new TrainSpec(
            steps, 128, opt, false, seed, seed, TrainSpec.DEFAULT_EVAL_SEED, Precision.FLOAT32);
    RecordSpec record =
        new RecordSpec(
            100,
            100,
            512,
            128,
            0,
            9,
            1e-3,
            CommutatorVectors.ATTENTION,
            false,
            Checkpoints.NONE,
            0);
    CellConfig cell = new CellConfig(task, model, train, record);
    InMemoryRecordSink sink = new InMemoryRecordSink();
    long t0 = System.nanoTime();
    RunResult result =
        new Trainer(
                cell,
                (step, total, loss) -> {
                  double secs = (System.nanoTime() - t0) / 1e9;
                  out.printf(
                      "step %6d/%d  train_loss %.4f  %.1f steps/s%n",
                      step, total, loss, step / Math.max(secs, 1e-9));
                })
            .run(sink);
    MetricsRecord last = sink.metrics().get(sink.metrics().size() - 1);
    out.printf(
        "status=%s steps=%d wall=%.1fs recording=%.1fs eval_acc=%.4f snapshots=%d%n",
        result.status().label(),
        result.stepsDone(),
        result.wallSeconds(),
        result.recordingSeconds(),
        result.finalEvalAccuracy(),
        sink.snapshots().size());
    if (last.eval() != null) {
      for (int i = 0; i < last.eval().accuracy().length; i++) {
        out.printf(
            "  m=%d eval_acc=%.4f eval_loss=%.4f%n",
            last.eval().markersMin() + i, last.eval().accuracy()[i], last.eval().loss()[i]);
      }
    }
    return 0;
  }
}
