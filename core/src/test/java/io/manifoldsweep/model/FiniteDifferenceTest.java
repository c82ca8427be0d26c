package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Central differences of the float64 loss against the hand-written gradient, MLP on and off. */
class FiniteDifferenceTest {
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void gradientMatchesCentralDifferences(boolean mlp) {
    TaskSpec task =
        TaskSpec.parse(
            "{vocab: 24, modulus: 5, seq_len: 7, markers: {min: 1, max: 2}, marker_base: 10}");
    ModelSpec spec =
        ModelSpec.parse(
            "{vocab: 24, seq_len: 7, modulus: 5, layers: 2, d_model: 8, heads: 2, mlp: "
                + mlp
                + ", d_mlp: 12}");
    ParamLayout layout = ParamLayout.of(spec);
    Transformer model = new Transformer(layout);
    Params theta = Params.initialise(layout, Precision.FLOAT64, 11);
    Batch batch = new MarkerTask(task).trainBatch(3, 0, 6, 1, 2);
    Params grad = Params.zeros(layout, Precision.FLOAT64);
    model.lossAndGradient(theta, batch, grad);
    double[] g = grad.toDoubleArray();
    double[] base = theta.toDoubleArray();
    Params scratch = Params.zeros(layout, Precision.FLOAT64);
    Random rng = new Random(5);
    double eps = 1e-5;
    // every tensor gets its own random direction, so a wrong gradient in any one of them shows
    for (ParamLayout.Entry e : layout.entries()) {
      double[] dir = new double[base.length];
      for (int i = 0; i < e.length(); i++) {
        dir[(int) e.offset() + i] = rng.nextGaussian();
      }
      double analytic = 0;
      for (int i = 0; i < dir.length; i++) {
        analytic += g[i] * dir[i];
      }
      double plus = loss(model, scratch, base, dir, eps, batch);
      double minus = loss(model, scratch, base, dir, -eps, batch);
      double numeric = (plus - minus) / (2 * eps);
      assertThat(Math.abs(numeric - analytic))
          .as(
              "directional derivative along %s: numeric %s, analytic %s",
              e.name(), numeric, analytic)
          .isLessThanOrEqualTo(1e-6 * Math.max(1e-3, Math.abs(numeric)));
    }
  }

  private static double loss(
      Transformer model, Params scratch, double[] base, double[] dir, double step, Batch batch) {
    double[] x = new double[base.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = base[i] + step * dir[i];
    }
    Params p = Params.fromArray(scratch.layout(), Precision.FLOAT64, x);
    return model.lossAndGradient(p, batch, scratch);
  }
}
