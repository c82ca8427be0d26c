package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.analysis.sae.ManifoldAblation;
import io.manifoldsweep.analysis.sae.SaeAnalysis;
import io.manifoldsweep.jobs.cli.CellOptions;
import io.manifoldsweep.jobs.cli.KnobOptions;
import io.manifoldsweep.kernel.NativeBlas;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.record.CheckpointRecord;
import io.manifoldsweep.record.InMemoryRecordSink;
import io.manifoldsweep.record.SnapshotRecord;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.ProgressListener;
import io.manifoldsweep.train.Trainer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The SAE analysis of one canonical cell (method section 8 with its default settings: 3 checkpoints
 * x 5 layers x width 256 x k in {4, 16}, every ablation, and the manifold ablation) on one thread,
 * as one analysis task would run it. The cell is trained here for a few hundred steps with a
 * snapshot every step, so that its trajectory has as many snapshots as a 20,000-step cell's (201)
 * and the manifold ablation's Gram costs what it would; the SAE work does not depend on how long it
 * trained.
 */
@Command(
    name = "sae",
    mixinStandardHelpOptions = true,
    description = "Benchmark the SAE analysis of one canonical cell.")
public final class SaeBenchmark implements Callable<Integer> {
  /**
   * The benchmark cell: the canonical model, a snapshot every step (the manifold ablation's Gram
   * then costs what a paper-sized cell's does), evaluated only at its ends, and the method's SAE
   * settings.
   */
  static final String PRESET =
      """
      task: {sampling: per_batch}
      train: {steps: 200, batch_size: 128}
      record: {snapshot_every: 1, eval_every: 1000000, eval_examples: 256, probe_examples: 16, commutator_every: 0}
      """;

  @Mixin CellOptions cellOptions;
  @Mixin KnobOptions knobs;

  private final PrintStream out;

  public SaeBenchmark(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws java.io.IOException {
    NativeThreads.set(1);
    CellConfig preset = cellOptions.cell(PRESET, out);
    KnobOptions.CellAndSae given = knobs.apply(preset, SaeSettings.DEFAULT);
    CellSpec cell = CellSpec.of("bench-sae", given.cell(), java.util.Map.of());
    SaeSettings settings = given.sae();
    settings.validateFor(cell.config().model(), "the benchmark cell");
    int steps = cell.config().train().steps();
    NativeBlas blas = NativeBlas.get();
    out.printf("cpu: %s%nblas: %s%n", blas.cpu().describe(), blas.describe());
    long t0 = System.nanoTime();
    InMemoryRecordSink sink = new InMemoryRecordSink();
    new Trainer(cell.config(), ProgressListener.NONE).run(sink);
    out.printf(
        Locale.ROOT,
        "trained the benchmark cell: %d steps, %d snapshots per block, %d checkpoints in %.1f s%n",
        steps,
        steps + 1,
        sink.checkpoints().size(),
        (System.nanoTime() - t0) / 1e9);

    double total = 0;
    double trainTotal = 0;
    double qualityTotal = 0;
    double ablationTotal = 0;
    Map<Long, float[]> checkpoints = new LinkedHashMap<>();
    for (CheckpointRecord c : sink.checkpoints()) {
      checkpoints.put(c.step(), c.params());
      for (int layer : settings.layersOf(cell.config().model())) {
        long t = System.nanoTime();
        SaeAnalysis.LayerResult r =
            SaeAnalysis.layer(cell.config(), cell.cellId(), c.step(), c.params(), layer, settings);
        double secs = (System.nanoTime() - t) / 1e9;
        total += secs;
        double train = r.saes().stream().mapToDouble(SaeAnalysis.SaeRow::trainSeconds).sum();
        double quality = r.saes().stream().mapToDouble(SaeAnalysis.SaeRow::qualitySeconds).sum();
        double ablate = r.saes().stream().mapToDouble(SaeAnalysis.SaeRow::ablationSeconds).sum();
        trainTotal += train;
        qualityTotal += quality;
        ablationTotal += ablate;
        out.printf(
            Locale.ROOT,
            "checkpoint %d layer %d: %.1f s (%d SAEs: training %.1f s, quality %.1f s, %d ablated sets %.1f s; FVE %s)%n",
            c.step(),
            layer,
            secs,
            r.saes().size(),
            train,
            quality,
            r.ablations().size(),
            ablate,
            r.saes().stream()
                .map(s -> String.format(Locale.ROOT, "%.3f", s.quality().fve()))
                .toList());
      }
    }
    long t = System.nanoTime();
    List<SaeAnalysis.ManifoldRow> manifold =
        SaeAnalysis.manifold(
            cell.config(),
            cell.cellId(),
            checkpoints,
            trajectories(cell, sink, checkpoints.keySet()),
            settings);
    double manifoldSecs = (System.nanoTime() - t) / 1e9;
    total += manifoldSecs;
    out.printf(
        Locale.ROOT,
        "manifold ablation: %.1f s (%d variants over %d checkpoints)%n",
        manifoldSecs,
        manifold.size(),
        checkpoints.size());
    out.printf(
        Locale.ROOT,
        "of %.1f s: SAE training %.1f, splicing scores %.1f, latent ablations %.1f, manifold ablation %.1f,"
            + " activations and the rest %.1f%n",
        total,
        trainTotal,
        qualityTotal,
        ablationTotal,
        manifoldSecs,
        total - trainTotal - qualityTotal - ablationTotal - manifoldSecs);
    out.printf(Locale.ROOT, "sae_seconds_per_cell=%.1f%n", total);
    return 0;
  }

  private static Map<String, ManifoldAblation.BlockDirections> trajectories(
      CellSpec cell, InMemoryRecordSink sink, Iterable<Long> steps) {
    Map<String, ManifoldAblation.BlockDirections> out = new LinkedHashMap<>();
    for (String block : ParamLayout.of(cell.config().model()).blockNames()) {
      List<SnapshotRecord> snaps =
          sink.snapshots().stream().filter(s -> s.block().equals(block)).toList();
      long[] snapSteps = snaps.stream().mapToLong(SnapshotRecord::step).toArray();
      double[][] values = new double[snaps.size()][];
      for (int i = 0; i < values.length; i++) {
        float[] f = snaps.get(i).values();
        values[i] = new double[f.length];
        for (int c = 0; c < f.length; c++) {
          values[i][c] = f[c];
        }
      }
      out.put(
          block,
          ManifoldAblation.BlockDirections.of(
              snapSteps, values, steps, 2 * SaeAnalysis.MANIFOLD_MAX_K));
    }
    return out;
  }
}
