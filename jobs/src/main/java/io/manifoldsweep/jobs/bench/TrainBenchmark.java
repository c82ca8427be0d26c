package io.manifoldsweep.jobs.bench;

import io.manifoldsweep.model.Linalg;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.Operation;
import io.manifoldsweep.task.Sampling;
import io.manifoldsweep.task.Schedule;
import io.manifoldsweep.task.TaskSpec;
import io.manifoldsweep.train.NativeThreads;
import io.manifoldsweep.train.TrainingStep;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time per full training step (batch generation, forward, backward, AdamW) against the speed of the
 * BLAS underneath, both measured in the same process so the ratio survives a noisy machine.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Benchmark one training step of the canonical model.")
public final class TrainBenchmark implements Callable<Integer> {
  @Option(names = "--layers", defaultValue = "5", description = "Transformer blocks (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--d-model", defaultValue = "128", description = "Residual width (default ${DEFAULT-VALUE}).")
  int dModel;

  @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seq-len", defaultValue = "16", description = "Sequence length (default ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(names = "--steps", defaultValue = "60", description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps;

  /**
   * The model's Vector API kernels run several times slower until C2 has compiled them (before that
   * each vector op is a boxed Java object); 40 canonical steps cover that, a real run's first seconds.
   */
  @Option(names = "--warmup", defaultValue = "40", description = "Untimed steps first, while the JIT compiles the kernels (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--threads", defaultValue = "1", description = "Native threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--precision", defaultValue = "FLOAT32", description = "FLOAT32 or FLOAT64 (default ${DEFAULT-VALUE}).")
  Precision precision;

  private final PrintStream out;

  public TrainBenchmark(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    NativeThreads.set(threads);
    TaskSpec task = new TaskSpec(256, 8, seqLen, 1, Math.min(4, (seqLen - 1) / 2), Schedule.MIXED, Operation.ADD, 100, false, Sampling.PER_EXAMPLE);
    ModelSpec spec = new ModelSpec(task.vocab(), seqLen, task.modulus(), layers, dModel, heads, false, 512);
    ParamLayout layout = ParamLayout.of(spec);
    Params params = Params.initialise(layout, precision, 1);
    TrainingStep step = new TrainingStep(new Transformer(layout), params, OptimizerSpec.DEFAULT.create(layout, precision));
    MarkerTask gen = new MarkerTask(task);
    out.printf("config: layers=%d d_model=%d heads=%d batch=%d seq_len=%d threads=%d precision=%s params=%d%n",
        layers, dModel, heads, batch, seqLen, threads, precision, layout.size());
    for (int s = 0; s < warmup; s++) {
      step.apply(gen.trainBatch(1, s, batch, task.markersMin(), task.markersMax()));
    }
    double[] ms = new double[steps];
    for (int s = 0; s < steps; s++) {
      long t0 = System.nanoTime();
      step.apply(gen.trainBatch(1, warmup + s, batch, task.markersMin(), task.markersMax()));
      ms[s] = (System.nanoTime() - t0) / 1e6;
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double median = sorted[steps / 2];
    double projectionFlops = 6.0 * batch * seqLen * layers * 4 * (double) dModel * dModel;
    double gemm = gemmGflops();
    out.printf("step time: median %.2f ms, min %.2f ms, max %.2f ms over %d steps%n", median, sorted[0], sorted[steps - 1], steps);
    out.printf("projection matmuls: %.3f GFLOP per step, %.1f GFLOP/s achieved%n", projectionFlops / 1e9, projectionFlops / median / 1e6);
    out.printf("gemm [%dx%d]x[%dx%d] on %d thread(s): %.1f GFLOP/s%n", batch * seqLen, dModel, dModel, dModel, threads, gemm);
    out.printf("projection floor at that gemm speed: %.2f ms; step / floor = %.2f%n",
        projectionFlops / gemm / 1e6, median / (projectionFlops / gemm / 1e6));
    out.printf(Locale.ROOT, "ms_per_step=%.2f%n", median);
    return 0;
  }

  /** Forward-shaped gemm into a preallocated output, by the model's own call: the projections' ceiling. */
  private double gemmGflops() {
    INDArray a = Nd4j.rand(precision.dataType(), (long) batch * seqLen, dModel);
    INDArray b = Nd4j.rand(precision.dataType(), dModel, dModel);
    INDArray c = Nd4j.create(precision.dataType(), (long) batch * seqLen, dModel);
    int reps = 200;
    for (int i = 0; i < 20; i++) {
      Linalg.mmInto(a, b, c, false, false);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      Linalg.mmInto(a, b, c, false, false);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return reps * 2.0 * batch * seqLen * dModel * dModel / seconds / 1e9;
  }
}
