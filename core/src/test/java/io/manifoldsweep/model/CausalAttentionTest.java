package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.TaskSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every query's attention is a distribution over the keys up to it, in every layer's stored
 * probabilities, whatever T is against the vector length: the kernels hold them key by query in
 * vectors of queries, and T=19 and 37 take more than one vector of float or double lanes, so keys
 * past a whole vector of queries are masked in the kernel's own loops.
 */
class CausalAttentionTest {
  @ParameterizedTest
  @CsvSource({
    "FLOAT32, 7",
    "FLOAT64, 7",
    "FLOAT32, 19",
    "FLOAT64, 19",
    "FLOAT32, 37",
    "FLOAT64, 37"
  })
  void everyQueryAttendsToItsPastWithProbabilitiesSummingToOne(Precision precision, int seqLen) {
    TaskSpec task =
        TaskSpec.parse(
            "{vocab: 30, modulus: 5, seq_len: "
                + seqLen
                + ", markers: {min: 1, max: 2}, marker_base: 10}");
    ModelSpec spec =
        ModelSpec.parse(
            "{vocab: 30, seq_len: "
                + seqLen
                + ", modulus: 5, layers: 3, d_model: 20, heads: 4, d_mlp: 24}");
    ParamLayout layout = ParamLayout.of(spec);
    Transformer model = new Transformer(layout);
    Batch batch = new MarkerTask(task).trainBatch(4, 0, 5, 1, 2);
    try (Workspaces.Scope ignored = Workspaces.open("causal")) {
      Transformer.Forward f = model.forward(Params.initialise(layout, precision, 8), batch);
      for (int layer = 0; layer < spec.layers() - 1; layer++) {
        double[] p = f.attention(layer);
        assertThat(p).hasSize(batch.size() * spec.heads() * seqLen * seqLen);
        for (int row = 0; row < batch.size() * spec.heads() * seqLen; row++) {
          int i = row % seqLen;
          double sum = 0;
          for (int j = 0; j < seqLen; j++) {
            double a = p[row * seqLen + j];
            if (j > i) {
              assertThat(a).as("layer %d, query %d, key %d after it", layer, i, j).isZero();
            } else {
              assertThat(a).as("layer %d, query %d, key %d", layer, i, j).isBetween(0.0, 1.0);
            }
            sum += a;
          }
          assertThat(sum)
              .as("layer %d, query %d: total attention", layer, i)
              .isCloseTo(1.0, offset(1e-5));
        }
      }
    }
  }
}
