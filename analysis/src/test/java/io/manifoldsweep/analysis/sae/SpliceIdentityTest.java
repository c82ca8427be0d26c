package io.manifoldsweep.analysis.sae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.task.MarkerTask;
import io.manifoldsweep.task.SplitMix64;
import io.manifoldsweep.task.TaskSpec;
import io.manifoldsweep.train.NativeThreads;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With nothing ablated, the spliced model's output is the clean model's: bit for bit for a hook
 * before the last block, to rounding after it; and an ablation that changes nothing is exact.
 */
class SpliceIdentityTest {
  @BeforeAll
  static void oneThread() {
    NativeThreads.set(1);
  }

  @Test
  void splicingTheUnchangedStreamReproducesTheCleanLogitsExactly() {
    for (Precision precision : Precision.values()) {
      for (boolean mlp : new boolean[] {false, true}) {
        for (long seed = 0; seed < 3; seed++) {
          TaskSpec task =
              TaskSpec.parse(
                  "{vocab: 24, modulus: 5, seq_len: 9, markers: {min: 1, max: 3}, marker_base: 12}");
          ModelSpec spec =
              ModelSpec.parse(
                  "{vocab: 24, seq_len: 9, modulus: 5, layers: 3, d_model: 16, heads: 2, mlp: "
                      + mlp
                      + ", d_mlp: 24}");
          ParamLayout layout = ParamLayout.of(spec);
          Transformer model = new Transformer(layout);
          Params params = Params.initialise(layout, precision, seed);
          // 300 examples: more than one chunk of the hook's passes
          Batch batch = new MarkerTask(task).evalSet(seed, 2, 300);
          double[] readoutOnly = HookedModel.forwardLogits(model, params, batch);
          for (int layer = 0; layer < spec.layers(); layer++) {
            HookedModel hooked = new HookedModel(model, params, layer);
            Activations x = hooked.activations(batch);
            String what =
                precision
                    + (mlp ? " with MLP" : "")
                    + " seed "
                    + seed
                    + " hook after layer "
                    + layer;
            double[] clean = hooked.logits(x.x(), 0, batch.size());
            if (layer < spec.layers() - 1) {
              // the blocks after the hook run as in the model's own passes, the last at the last
              // position
              assertThat(clean).as(what).isEqualTo(readoutOnly);
            } else {
              // a hook after the last block reads its output at every position, which the model's
              // passes never compute: the same numbers, rounded differently
              assertThat(clean)
                  .as(what)
                  .containsExactly(
                      readoutOnly, within(precision == Precision.FLOAT32 ? 1e-4 : 1e-12));
            }
            // an ablation that changes no row must not change a logit either, pass or no pass
            TopKSae sae = TopKSae.initialise(32, 2, x, new SplitMix64(seed));
            Codes codes = sae.encode(x.x(), 0, x.rows());
            int silent =
                IntStream.range(0, 32)
                    .filter(i -> codes.firingCounts(32)[i] == 0)
                    .findFirst()
                    .orElse(-1);
            int[] all = IntStream.range(0, batch.size()).toArray();
            LatentAblation ablation = new LatentAblation(sae, x, codes, hooked, batch.seqLen());
            assertThat(ablation.logits(new int[0], new double[0], all, clean))
                .as(what)
                .isEqualTo(clean);
            if (silent >= 0) {
              assertThat(ablation.logits(new int[] {silent}, new double[] {0}, all, clean))
                  .as(what)
                  .isEqualTo(clean);
            }
          }
        }
      }
    }
  }
}
