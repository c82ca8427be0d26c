package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.record.InMemoryRecordSink;
import io.manifoldsweep.record.MetricsRecord;
import io.manifoldsweep.record.RunResult;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.Trainer;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One training run in this process, with progress; nothing is written. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train one cell here and print its progress; nothing is written.",
      "Without --config: every knob at its default (submit/knobs), except 500 steps, an eval of 512 examples"
          + " per marker count every 100 steps, and no commutator probes, checkpoints or resume points."
    })
public final class TrainCommand implements Callable<Integer> {
  /** What an interactive run starts from: the canonical cell, shortened, recording little. */
  static final String PRESET =
      """
      train: {steps: 500}
      record: {snapshot_every: 100, eval_every: 100, eval_examples: 512, probe_examples: 128, commutator_every: 0,
               checkpoints: [], resume_every: 0}
      """;

  @Mixin KnobOptions knobs;

  @Mixin CellOptions cellOptions;

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
  public Integer call() throws java.io.IOException {
    NativeThreads.set(threads);
    CellConfig cell = knobs.apply(cellOptions.cell(PRESET, out));
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
