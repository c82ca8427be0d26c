package io.manifoldsweep.analysis.sae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.manifoldsweep.analysis.sae.ActivationSet.Category;
import io.manifoldsweep.analysis.sae.ActivationSet.Variable;
import io.manifoldsweep.analysis.sae.LatentAssociations.Latent;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.task.SplitMix64;
import io.manifoldsweep.task.TaskSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SaeMathTest {
  private static final TaskSpec TASK =
      TaskSpec.parse(
          "{vocab: 24, modulus: 5, seq_len: 9, markers: {min: 1, max: 3}, marker_base: 12}");

  @Test
  void topKKeepsTheLargestWithTiesToTheLowerIndexThenRelu() {
    double[] zPre = {0.5, 2, 2, -1, 3, 2, -0.5, -0.2};
    int[] idx = new int[3];
    double[] val = new double[3];
    TopKSae.topK(zPre, 1, 8, 3, null, idx, val);
    assertThat(idx).containsExactly(4, 1, 2);
    assertThat(val).containsExactly(3, 2, 2);
    boolean[] allowed = {false, false, false, true, false, false, true, true};
    TopKSae.topK(zPre, 1, 8, 2, allowed, idx, val);
    assertThat(Arrays.copyOf(idx, 2)).containsExactly(7, 6);
    assertThat(Arrays.copyOf(val, 2))
        .as("negative pre-activations pass ReLU as silent slots")
        .containsExactly(0, 0);
  }

  /**
   * The bounded search of wide rows (the SAE's widths) against a full sort by value, then index, on
   * rows drawn from a few values, so that ties straddle the k-th place and many entries are
   * negative.
   */
  @Test
  void topKOfWideRowsMatchesAFullSort() {
    SplitMix64 rng = new SplitMix64(11);
    for (int n : new int[] {48, 64, 256, 1024}) {
      for (int k : new int[] {1, 4, 16, 32}) {
        int rows = 50;
        double[] zPre = new double[rows * n];
        for (int i = 0; i < zPre.length; i++) {
          zPre[i] = rng.nextInt(9) - 6 + (rng.nextInt(4) == 0 ? 0.5 : 0);
        }
        int[] idx = new int[rows * k];
        double[] val = new double[rows * k];
        TopKSae.topK(zPre, rows, n, k, null, idx, val);
        for (int r = 0; r < rows; r++) {
          int row = r;
          Integer[] order = new Integer[n];
          Arrays.setAll(order, j -> j);
          Arrays.sort(
              order,
              (a, b) ->
                  zPre[row * n + a] != zPre[row * n + b]
                      ? Double.compare(zPre[row * n + b], zPre[row * n + a])
                      : a - b);
          for (int s = 0; s < k; s++) {
            assertThat(idx[r * k + s])
                .as("n=%d k=%d row %d slot %d", n, k, r, s)
                .isEqualTo(order[s]);
            assertThat(val[r * k + s]).isEqualTo(Math.max(0, zPre[r * n + order[s]]));
          }
        }
      }
    }
  }

  /** Activations that lie on 6 sparse directions plus noise: a TopK SAE should find them. */
  @Test
  void trainingReconstructsSparseStructure() {
    int d = 16;
    int rows = 4000;
    SplitMix64 rng = new SplitMix64(3);
    double[][] atoms = new double[6][d];
    for (double[] a : atoms) {
      for (int c = 0; c < d; c++) {
        a[c] = rng.nextGaussian();
      }
    }
    double[] x = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < 2; j++) {
        double[] a = atoms[rng.nextInt(6)];
        double w = 1 + rng.nextDouble();
        for (int c = 0; c < d; c++) {
          x[r * d + c] += w * a[c];
        }
      }
      for (int c = 0; c < d; c++) {
        x[r * d + c] += 0.01 * rng.nextGaussian();
      }
    }
    Activations act = new Activations(x, rows, d);
    SaeSettings s =
        SaeSettings.parse(
            "{width: 32, k: 4, steps: 800, lr: 3.0e-3, batch_size: 256, examples: 1, ablation_examples: 1}");
    TopKSae untrained = TopKSae.initialise(32, 4, act, new SplitMix64(1));
    SaeTrainer.Trained trained = SaeTrainer.train(act, 32, 4, s, new SplitMix64(1));
    double before = fve(untrained, act);
    double after = fve(trained.sae(), act);
    assertThat(after)
        .as("FVE after training (before: %s)", before)
        .isGreaterThan(0.9)
        .isGreaterThan(before + 0.3);
    assertThat(trained.finalLoss()).isPositive().isLessThan(0.2);
    double[] dec = trained.sae().decoderWeights();
    for (int i = 0; i < 32; i++) {
      assertThat(Vec.dot(dec, i * d, dec, i * d, d))
          .as("decoder row %d stays unit-norm", i)
          .isCloseTo(1.0, within(1e-9));
    }
  }

  private static double fve(TopKSae sae, Activations x) {
    double[] xHat = sae.decode(sae.encode(x.x(), 0, x.rows()));
    double err = 0;
    for (int i = 0; i < xHat.length; i++) {
      err += (x.x()[i] - xHat[i]) * (x.x()[i] - xHat[i]);
    }
    return 1 - err / (x.scale() * x.rows());
  }

  @Test
  void associationsFindTheVariableALatentFollows() {
    ActivationSet set = ActivationSet.generate(TASK, 7, 200);
    int rows = set.rows();
    int latents = 3;
    int[] idx = new int[rows * latents];
    double[] val = new double[rows * latents];
    for (int r = 0; r < rows; r++) {
      // latent 0 tracks position; latent 1 fires on value rows with the value; latent 2 is silent
      idx[r * latents] = 0;
      val[r * latents] = 1 + set.variable(Variable.POSITION, r);
      int value = set.variable(Variable.VALUE, r);
      idx[r * latents + 1] = value >= 0 ? 1 : -1;
      val[r * latents + 1] = value >= 0 ? 1 + value : 0;
      idx[r * latents + 2] = -1;
    }
    Latent[] l = LatentAssociations.of(new Codes(rows, latents, idx, val), set, latents, 0.3);
    assertThat(l[0].best()).isEqualTo(Variable.POSITION);
    assertThat(l[0].association()).isCloseTo(1.0, within(1e-9));
    assertThat(l[0].category()).isEqualTo(Category.ROUTING);
    assertThat(l[0].frequency()).isEqualTo(1.0);
    assertThat(l[1].best())
        .as("value explains all of its variance on value rows")
        .isEqualTo(Variable.VALUE);
    assertThat(l[1].eta2()[Variable.VALUE.ordinal()]).isCloseTo(1.0, within(1e-9));
    assertThat(l[1].eta2()[Variable.IS_VALUE.ordinal()]).isBetween(0.1, 0.99);
    assertThat(l[1].category()).isEqualTo(Category.EXECUTION);
    assertThat(l[2].alive()).isFalse();
    assertThat(l[2].category()).isEqualTo(Category.OTHER);
    assertThat(l[2].best()).isNull();
  }

  @Test
  void theActivationSetsVariablesFollowTheTask() {
    ActivationSet set = ActivationSet.generate(TASK, 7, 50);
    assertThat(set.examples().size()).isEqualTo(150);
    assertThat(set.ablationExamples(10)).hasSize(30).startsWith(0, 1).contains(50, 100, 109);
    for (int e = 0; e < set.examples().size(); e++) {
      int t = set.examples().seqLen();
      int last = e * t + t - 1;
      assertThat(set.variable(Variable.RUNNING_RESULT, last))
          .as("running sum at the last position is the label")
          .isEqualTo(set.examples().labels()[e]);
      assertThat(set.variable(Variable.M, last)).isEqualTo(set.examples().markerCounts()[e] - 1);
    }
  }

  @Test
  void matchedRandomSetsAvoidTheTargetAndFireAsOften() {
    Latent[] latents = new Latent[40];
    for (int i = 0; i < latents.length; i++) {
      double freq = i < 4 ? 0 : Math.pow(1.2, -i);
      latents[i] =
          new Latent(i, freq, freq, new double[8], Variable.VALUE, 0.5, Category.EXECUTION);
    }
    int[] target = {10, 20, 30};
    SplitMix64 rng = new SplitMix64(5);
    for (int draw = 0; draw < 20; draw++) {
      int[] r = LatentSets.matchedRandom(latents, target, rng);
      assertThat(r).hasSize(3).doesNotContain(10, 20, 30, 0, 1, 2, 3).doesNotHaveDuplicates();
      for (int j = 0; j < 3; j++) {
        assertThat(Math.abs(r[j] - target[j]))
            .as("within the nearest neighbours in log frequency")
            .isLessThanOrEqualTo(LatentSets.NEIGHBOURS);
      }
    }
  }

  @Test
  void manifoldAblationRemovesExactlyTheComponentsAlongTheDirections() {
    ModelSpec spec =
        ModelSpec.parse(
            "{vocab: 24, seq_len: 9, modulus: 5, layers: 1, d_model: 4, heads: 2, d_mlp: 8}");
    ParamLayout layout = ParamLayout.of(spec);
    SplitMix64 rng = new SplitMix64(11);
    int p = 16;
    // a trajectory moving along two fixed directions from w0
    double[] w0 = new double[p];
    for (int c = 0; c < p; c++) {
      w0[c] = rng.nextGaussian();
    }
    double[][] dirs = ManifoldAblation.randomOrthonormal(2, p, rng);
    long[] steps = {0, 10, 20, 30, 40};
    double[][] values = new double[steps.length][p];
    for (int t = 0; t < steps.length; t++) {
      for (int c = 0; c < p; c++) {
        values[t][c] = w0[c] + t * dirs[0][c] + 0.3 * t * t * dirs[1][c];
      }
    }
    Map<String, ManifoldAblation.BlockDirections> blocks = new java.util.LinkedHashMap<>();
    for (String b : layout.blockNames()) {
      blocks.put(b, ManifoldAblation.BlockDirections.of(steps, values, List.of(40L), 4));
    }
    double[] params = new double[(int) layout.size()];
    for (String b : layout.blockNames()) {
      System.arraycopy(values[4], 0, params, (int) layout.blockEntry(b).offset(), p);
    }
    List<ManifoldAblation.Variant> variants = new java.util.ArrayList<>();
    new ManifoldAblation(layout, blocks)
        .forEach(params, 40, 2, 1, new SplitMix64(2), variants::add);
    ManifoldAblation.Variant top2 =
        variants.stream()
            .filter(v -> v.k() == 2 && v.directions() == ManifoldAblation.Directions.TOP)
            .findFirst()
            .orElseThrow();
    double[] w =
        Arrays.copyOfRange(
            top2.params(),
            (int) layout.blockEntry("layer0.wq").offset(),
            (int) layout.blockEntry("layer0.wq").offset() + p);
    for (int c = 0; c < p; c++) {
      assertThat(w[c])
          .as("moving back along the whole 2-d trajectory returns to w0")
          .isCloseTo(w0[c], within(1e-9));
    }
    ManifoldAblation.Variant next1 =
        variants.stream()
            .filter(v -> v.k() == 1 && v.directions() == ManifoldAblation.Directions.NEXT)
            .findFirst()
            .orElseThrow();
    assertThat(next1.removed()).isEqualTo(1);
    ManifoldAblation.Variant next2 =
        variants.stream()
            .filter(v -> v.k() == 2 && v.directions() == ManifoldAblation.Directions.NEXT)
            .findFirst()
            .orElseThrow();
    assertThat(next2.removed()).as("a rank-2 trajectory has no PCs 3 and 4").isZero();
    assertThat(variants.stream().filter(v -> v.directions() == ManifoldAblation.Directions.RANDOM))
        .hasSize(2);
    // everything outside the attention blocks is untouched
    ParamLayout.Entry emb = layout.entry("tok_emb");
    assertThat(Arrays.copyOfRange(top2.params(), 0, (int) emb.length())).containsOnly(0.0);
  }
}
