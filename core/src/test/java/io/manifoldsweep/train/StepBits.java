package io.manifoldsweep.train;

import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The losses of a small model's first training steps as hex floats, one per line, in float64 then
 * float32: what {@link StepBitsAcrossJvmsTest} compares between JVMs. Arg: the steps of a run in
 * each precision before the printed ones, so that C2 has compiled the kernels those go through.
 */
public final class StepBits {
  static final int STEPS = 12;

  private StepBits() {}

  public static void main(String[] args) {
    NativeThreads.set(1);
    int warmup = Integer.parseInt(args[0]);
    losses(warmup).forEach(System.out::println);
  }

  static List<String> losses(int warmup) {
    List<String> out = new ArrayList<>();
    for (Precision precision : List.of(Precision.FLOAT64, Precision.FLOAT32)) {
      if (warmup > 0) {
        losses(precision, warmup);
      }
      out.addAll(losses(precision, STEPS));
    }
    return out;
  }

  /**
   * d_model 32 and 2 heads: a LayerNorm row is several vectors of either precision, a head one or
   * two.
   */
  static List<String> losses(Precision precision, int steps) {
    CellConfig cell =
        CellConfig.parse(
            """
            task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
            model: {layers: 2, d_model: 32, heads: 2, d_mlp: 64}
            """);
    TaskSpec task = cell.task();
    ModelSpec model = cell.model();
    ParamLayout layout = ParamLayout.of(model);
    Params params = Params.initialise(layout, precision, 7);
    TrainingStep step =
        new TrainingStep(
            new Transformer(layout), params, OptimizerSpec.DEFAULT.create(layout, precision));
    MarkerTask gen = new MarkerTask(task);
    List<String> out = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      out.add(
          Double.toHexString(
              step.apply(gen.trainBatch(7, s, 16, task.markersMin(), task.markersMax()))));
    }
    return out;
  }
}
