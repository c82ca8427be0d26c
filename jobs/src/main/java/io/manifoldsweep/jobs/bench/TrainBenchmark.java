package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.jobs.cli.CellOptions;
import io.manifoldsweep.jobs.cli.KnobOptions;
import io.manifoldsweep.kernel.GemmClock;
import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.kernel.KernelTraffic;
import io.manifoldsweep.kernel.NativeBlas;
import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.TaskRun;
import io.manifoldsweep.train.TrainingStep;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Time per full training step (batch generation, forward, backward, AdamW) against the gemm floor
 * of the same step: each of its projection shapes timed alone, in the same process, so the ratio
 * survives a noisy machine; and against the time the step's own products took ({@link GemmClock}),
 * which is what the Java kernels are measured by; and the bytes the rest moves ({@link
 * KernelTraffic}) against this thread's copy rate, which tells how much of the rest memory bounds.
 * Prints the CPU and which BLAS library and kernels computed it.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark one training step of the canonical model (or of --config's cell, with --set).")
public final class TrainBenchmark implements Callable<Integer> {
  @Mixin KnobOptions knobs;

  @Mixin CellOptions cellOptions;

  @Option(
      names = "--steps",
      defaultValue = "60",
      description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps;

  /**
   * The model's Vector API kernels run several times slower until C2 has compiled them (before that
   * each vector op is a boxed Java object); 40 canonical steps cover that, a real run's first
   * seconds.
   */
  @Option(
      names = "--warmup",
      defaultValue = "40",
      description =
          "Untimed steps first, while the JIT compiles the kernels (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Native threads (default ${DEFAULT-VALUE}).")
  int threads;

  private final PrintStream out;

  public TrainBenchmark(PrintStream out) {
    this.out = out;
  }

  @Option(
      names = "--gemm-reps",
      defaultValue = "200",
      description = "Timed calls per gemm shape (default ${DEFAULT-VALUE}).")
  int gemmReps;

  @Override
  public Integer call() throws java.io.IOException {
    NativeThreads.set(threads);
    CellConfig cell = knobs.apply(cellOptions.cell("{}", out));
    ModelSpec spec = cell.model();
    Precision precision = cell.train().precision();
    int batch = cell.train().fullBatch() ? cell.task().trainPairs() : cell.train().batchSize();
    ParamLayout layout = ParamLayout.of(spec);
    Params params = Params.initialise(layout, precision, 1);
    Transformer model = new Transformer(layout);
    TrainingStep step =
        new TrainingStep(model, params, cell.train().optimizer().create(layout, precision))
            .clipping(cell.train().gradClip());
    TaskRun batches = TaskRun.of(cell, model);
    NativeBlas blas = NativeBlas.get();
    out.printf("cpu: %s%n", blas.cpu().describe());
    out.printf("blas: %s%n", blas.describe());
    out.printf("kernels' loads and stores on ND4J's arrays: %s%n", HostView.inPlaceAccess());
    out.printf(
        "config: layers=%d d_model=%d heads=%d batch=%d seq_len=%d threads=%d precision=%s params=%d%n",
        spec.layers(),
        spec.dModel(),
        spec.heads(),
        batch,
        spec.seqLen(),
        threads,
        precision,
        layout.size());
    for (int s = 0; s < warmup; s++) {
      step.apply(batches.trainBatch(s));
    }
    double[] ms = new double[steps];
    long gemmStart = GemmClock.nanos();
    long readStart = KernelTraffic.bytesRead();
    long writtenStart = KernelTraffic.bytesWritten();
    for (int s = 0; s < steps; s++) {
      long t0 = System.nanoTime();
      step.apply(batches.trainBatch(warmup + s));
      ms[s] = (System.nanoTime() - t0) / 1e6;
    }
    double gemmMs = (GemmClock.nanos() - gemmStart) / 1e6 / steps;
    double readMb = (KernelTraffic.bytesRead() - readStart) / 1e6 / steps;
    double writtenMb = (KernelTraffic.bytesWritten() - writtenStart) / 1e6 / steps;
    // activations, and parameters, gradients and AdamW's two moments
    long workingSet = Workspaces.pooledBytes() + 4L * layout.size() * precision.dataType().width();
    double copyRate = CopyProbe.bytesPerSecond(workingSet, 5);
    double meanMs = Arrays.stream(ms).average().orElseThrow();
    double median = Median.of(ms);
    String library = precision == Precision.FLOAT32 ? "oneDNN" : "OpenBLAS";
    out.printf(
        "gemm on the step's shapes, %d thread(s), GFLOP/s through the model's call (%s) and OpenBLAS's:%n",
        threads, library);
    List<GemmProbe.Speed> speeds = new ArrayList<>();
    for (GemmProbe.Shape shape : GemmProbe.stepShapes(spec, batch)) {
      GemmProbe.Speed sp = GemmProbe.measure(shape, precision, gemmReps);
      speeds.add(sp);
      out.printf(
          Locale.ROOT,
          "  %s %dx%dx%d (%s, %d per step): %.1f (OpenBLAS %.1f)%n",
          shape.label(),
          shape.m(),
          shape.n(),
          shape.k(),
          shape.role(),
          shape.perStep(),
          sp.modelGflops(),
          sp.openblasGflops());
    }
    double floor = GemmProbe.floorMs(speeds);
    out.printf(
        Locale.ROOT,
        "step time: median %.2f ms, min %.2f ms, max %.2f ms over %d steps%n",
        median,
        Arrays.stream(ms).min().orElseThrow(),
        Arrays.stream(ms).max().orElseThrow(),
        steps);
    out.printf(
        Locale.ROOT,
        "gemm floor: %.2f ms per step at these speeds; step / floor = %.2f%n",
        floor,
        median / floor);
    out.printf(
        Locale.ROOT,
        "gemm inside the step: %.2f ms of a mean %.2f ms step, the rest (Java kernels, batch, loss) %.2f ms;"
            + " step / its gemm time = %.2f%n",
        gemmMs,
        meanMs,
        meanMs - gemmMs,
        meanMs / gemmMs);
    double memoryMs = (readMb + writtenMb) * 1e6 / copyRate * 1e3;
    out.printf(
        Locale.ROOT,
        "memory the rest moves: %.1f MB read and %.1f MB written per step (kernels, bias adds, column sums, AdamW);"
            + " this thread copies native memory to the heap and back at %.1f GB/s over a %.0f MB working set (the step's),"
            + " at which rate the bytes take %.2f ms of the rest's %.2f ms%n",
        readMb,
        writtenMb,
        copyRate / 1e9,
        workingSet / 1e6,
        memoryMs,
        meanMs - gemmMs);
    out.printf(Locale.ROOT, "ms_per_step=%.2f%n", median);
    return 0;
  }
}
