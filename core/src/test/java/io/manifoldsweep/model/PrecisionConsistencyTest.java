package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.optim.Optimizer;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden tests pin the kernels in float64; this pins the float32 path against it: the
 * conversions between float buffers and the embedding's double blocks, and the float instantiations
 * of attention, LayerNorm and AdamW (generated from the float64 ones). Widths are no whole number
 * of SIMD vectors (d=20, head width 5, T=7 or 19) so every vector loop's tail runs too, and T=19
 * spans more than one vector of key positions even with 16 float lanes.
 */
class PrecisionConsistencyTest {
  @ParameterizedTest
  @CsvSource({"false, 7", "true, 7", "false, 19"})
  void float32GradientMatchesFloat64(boolean mlp, int seqLen) {
    TaskSpec task =
        TaskSpec.parse(
            "{vocab: 30, modulus: 5, seq_len: "
                + seqLen
                + ", markers: {min: 1, max: 2}, marker_base: 10}");
    ModelSpec spec =
        ModelSpec.parse(
            "{vocab: 30, seq_len: "
                + seqLen
                + ", modulus: 5, layers: 2, d_model: 20, heads: 4, mlp: "
                + mlp
                + ", d_mlp: 24}");
    ParamLayout layout = ParamLayout.of(spec);
    Transformer model = new Transformer(layout);
    Batch batch = new MarkerTask(task).trainBatch(2, 0, 9, 1, 2);
    double[] theta = Params.initialise(layout, Precision.FLOAT64, 4).toDoubleArray();

    Params grad64 = Params.zeros(layout, Precision.FLOAT64);
    double loss64 =
        model.lossAndGradient(Params.fromArray(layout, Precision.FLOAT64, theta), batch, grad64);
    Params grad32 = Params.zeros(layout, Precision.FLOAT32);
    double loss32 =
        model.lossAndGradient(Params.fromArray(layout, Precision.FLOAT32, theta), batch, grad32);

    assertThat(loss32).isCloseTo(loss64, offset(1e-5 * Math.abs(loss64)));
    double[] g64 = grad64.toDoubleArray();
    double[] g32 = grad32.toDoubleArray();
    for (ParamLayout.Entry e : layout.entries()) {
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < e.length(); i++) {
        int k = (int) e.offset() + i;
        diff += (g32[k] - g64[k]) * (g32[k] - g64[k]);
        norm += g64[k] * g64[k];
      }
      // relative to the whole gradient's norm: the key bias's gradient is exactly 0 in theory
      assertThat(Math.sqrt(diff))
          .as("float32 vs float64 gradient of %s", e.name())
          .isLessThanOrEqualTo(1e-4 * Math.sqrt(dot(g64, g64)));
      assertThat(norm > 0 || e.name().endsWith("attn.bk"))
          .as("%s has a gradient", e.name())
          .isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({"false, 7", "true, 19"})
  void float32InferenceMatchesFloat64(boolean mlp, int seqLen) {
    TaskSpec task =
        TaskSpec.parse(
            "{vocab: 30, modulus: 5, seq_len: "
                + seqLen
                + ", markers: {min: 1, max: 2}, marker_base: 10}");
    ModelSpec spec =
        ModelSpec.parse(
            "{vocab: 30, seq_len: "
                + seqLen
                + ", modulus: 5, layers: 3, d_model: 20, heads: 4, mlp: "
                + mlp
                + ", d_mlp: 24}");
    ParamLayout layout = ParamLayout.of(spec);
    Transformer model = new Transformer(layout);
    Batch batch = new MarkerTask(task).trainBatch(3, 0, 9, 1, 2);
    double[] theta = Params.initialise(layout, Precision.FLOAT64, 5).toDoubleArray();
    double[][] logits = new double[2][];
    double[][] attention = new double[2][];
    for (Precision p : Precision.values()) {
      try (Workspaces.Scope ignored = Workspaces.open("consistency")) {
        Transformer.Inference inf = model.infer(Params.fromArray(layout, p, theta), batch);
        logits[p.ordinal()] = new double[Math.toIntExact(inf.logits().length())];
        HostView.of(inf.logits()).readAll(logits[p.ordinal()]);
        attention[p.ordinal()] = inf.readoutAttention(spec.layers() - 1);
      }
    }
    for (int i = 0; i < logits[0].length; i++) {
      assertThat(logits[0][i])
          .as("logit %d", i)
          .isCloseTo(logits[1][i], offset(1e-4 * (1 + Math.abs(logits[1][i]))));
    }
    for (int i = 0; i < attention[0].length; i++) {
      assertThat(attention[0][i])
          .as("last layer's last-row attention %d", i)
          .isCloseTo(attention[1][i], offset(1e-5));
    }
  }

  /**
   * AdamW updates a float32 run in float (its generated twin): three steps from the same start
   * agree with the float64 update to float rounding. A wrong term in the float twin (bias
   * correction, decay, the moments) would move a parameter by about lr, a thousand times the
   * tolerance.
   */
  @Test
  void float32AdamWMatchesFloat64() {
    ParamLayout layout =
        ParamLayout.of(
            ModelSpec.parse(
                "{vocab: 30, seq_len: 7, modulus: 5, layers: 2, d_model: 20, heads: 4, mlp: true, d_mlp: 24}"));
    double[] theta = Params.initialise(layout, Precision.FLOAT64, 6).toDoubleArray();
    double[] gradient = Params.initialise(layout, Precision.FLOAT64, 7).toDoubleArray();
    double lr = 1e-3;
    OptimizerSpec adamw =
        OptimizerSpec.parse("{optimizer: adamw, lr: " + lr + ", weight_decay: 0.01, beta2: 0.98}");
    double[][] after = new double[2][];
    for (Precision p : Precision.values()) {
      Params params = Params.fromArray(layout, p, theta);
      Params grad = Params.fromArray(layout, p, gradient);
      Optimizer optimizer = adamw.create(layout, p);
      for (int step = 0; step < 3; step++) {
        optimizer.step(params, grad);
      }
      after[p.ordinal()] = params.toDoubleArray();
    }
    int moved = 0;
    for (int i = 0; i < theta.length; i++) {
      double p64 = after[Precision.FLOAT64.ordinal()][i];
      assertThat(after[Precision.FLOAT32.ordinal()][i])
          .as("parameter %d", i)
          .isCloseTo(p64, offset(1e-6 * (Math.abs(p64) + lr)));
      moved += Math.abs(p64 - theta[i]) > lr ? 1 : 0;
    }
    assertThat(moved)
        .as("parameters that three steps moved by more than lr")
        .isGreaterThan(theta.length / 2);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
