package io.manifoldsweep.analysis.sae;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.model.Params;
import io.manifoldsweep.model.Precision;
import io.manifoldsweep.model.Transformer;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.train.NativeThreads;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code sae-*.json} in the golden folder (method section 8, computed by an independent
 * PyTorch reference): the hook, the SAE's forward pass, loss, raw and projected gradients, one Adam
 * step, the CE and KL scores of splicing, and zero and mean ablation with the error term kept;
 * float64 to 1e-9 relative per tensor.
 */
class SaeGoldenTest {
  private static final double TOL = 1e-9;

  @BeforeAll
  static void oneThread() {
    NativeThreads.set(1);
  }

  @TestFactory
  Stream<DynamicTest> matchesEveryGoldenSae() throws IOException {
    Path dir = Path.of(System.getProperty("golden.dir", "../testdata/golden"));
    List<DynamicTest> tests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "sae-*.json")) {
      for (Path f : files) {
        Case c = new Case(new ObjectMapper().readTree(f.toFile()));
        String name = f.getFileName().toString();
        tests.add(DynamicTest.dynamicTest(name + " hook activations", c::hook));
        tests.add(DynamicTest.dynamicTest(name + " forward", c::forward));
        tests.add(DynamicTest.dynamicTest(name + " loss and gradients", c::lossAndGradients));
        tests.add(
            DynamicTest.dynamicTest(name + " adam step with the decoder constraint", c::adamStep));
        tests.add(DynamicTest.dynamicTest(name + " quality metrics", c::metrics));
        tests.add(DynamicTest.dynamicTest(name + " ablations", c::ablations));
      }
    }
    assertThat(tests).as("golden sae-*.json files in %s", dir).isNotEmpty();
    return tests.stream();
  }

  private static final class Case {
    final JsonNode g;
    final Transformer model;
    final Params params;
    final Batch batch;
    final int layer;
    final JsonNode s;
    final int d;
    final int n;

    Case(JsonNode g) {
      this.g = g;
      JsonNode c = g.get("config");
      ModelSpec spec = ModelSpec.parse(c.toString());
      ParamLayout layout = ParamLayout.of(spec);
      double[] flat = new double[(int) layout.size()];
      for (ParamLayout.Entry e : layout.entries()) {
        double[] v = doubles(g.get("params").get(e.name()));
        System.arraycopy(v, 0, flat, (int) e.offset(), v.length);
      }
      this.model = new Transformer(layout);
      this.params = Params.fromArray(layout, Precision.FLOAT64, flat);
      JsonNode b = g.get("batch");
      int t = spec.seqLen();
      int size = b.get("tokens").size();
      int[] tokens = new int[size * t];
      int[] labels = new int[size];
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < t; j++) {
          tokens[i * t + j] = b.get("tokens").get(i).get(j).asInt();
        }
        labels[i] = b.get("labels").get(i).asInt();
      }
      this.batch = new Batch(size, t, tokens, labels, new int[size], new byte[size * t]);
      this.layer = g.get("hook").get("layer").asInt();
      assertThat(g.get("hook").get("point").asText()).isEqualTo("resid_post");
      this.s = g.get("sae");
      this.d = s.get("d_in").asInt();
      this.n = s.get("d_sae").asInt();
    }

    HookedModel hooked() {
      return new HookedModel(model, params, layer);
    }

    Activations activations() {
      return new Activations(
          doubles(g.get("hook").get("activations")), g.get("hook").get("rows").asInt(), d);
    }

    TopKSae sae() {
      return TopKSae.of(
          d,
          n,
          s.get("k").asInt(),
          s.get("k_aux").asInt(),
          doubles(s.get("w_enc")),
          doubles(s.get("b_enc")),
          doubles(s.get("w_dec")),
          doubles(s.get("b_pre")));
    }

    boolean[] dead() {
      boolean[] dead = new boolean[n];
      for (int i = 0; i < n; i++) {
        dead[i] = s.get("dead").get(i).asBoolean();
      }
      return dead;
    }

    void hook() {
      Activations x = hooked().activations(batch);
      assertClose("resid_post of layer " + layer, x.x(), activations().x());
      assertThat(x.scale())
          .isCloseTo(
              s.get("scale").asDouble(),
              org.assertj.core.api.Assertions.within(1e-9 * s.get("scale").asDouble()));
    }

    void forward() {
      TopKSae sae = sae();
      Activations x = activations();
      double[] zPre = new double[x.rows() * n];
      sae.preActivations(x.x(), 0, x.rows(), zPre, new double[x.rows() * d]);
      assertClose("z_pre", zPre, doubles(g.get("forward").get("z_pre")));
      Codes codes = sae.encode(x.x(), 0, x.rows());
      assertClose("z", dense(codes), doubles(g.get("forward").get("z")));
      assertClose(
          "reconstruction", sae.decode(codes), doubles(g.get("forward").get("reconstruction")));
    }

    void lossAndGradients() {
      TopKSae sae = sae();
      Activations x = activations();
      TopKSae.Gradient grad = new TopKSae.Gradient(sae);
      TopKSae.Loss loss =
          sae.lossAndGradient(x.x(), 0, x.rows(), dead(), s.get("scale").asDouble(), grad);
      JsonNode l = g.get("loss");
      assertClose(
          "total loss", new double[] {loss.total()}, new double[] {l.get("total").asDouble()});
      assertClose(
          "reconstruction loss",
          new double[] {loss.reconstruction()},
          new double[] {l.get("reconstruction").asDouble()});
      assertClose("aux loss", new double[] {loss.aux()}, new double[] {l.get("aux").asDouble()});
      JsonNode gr = g.get("grads");
      assertClose("grad w_enc", grad.encoderWeights(), doubles(gr.get("w_enc")));
      assertClose("grad b_enc", grad.encoderBias(), doubles(gr.get("b_enc")));
      assertClose("grad w_dec", grad.decoderWeights(), doubles(gr.get("w_dec")));
      assertClose("grad b_pre", grad.preBias(), doubles(gr.get("b_pre")));
      sae.projectDecoderGradient(grad);
      assertClose(
          "projected decoder gradient",
          grad.decoderWeights(),
          doubles(g.get("w_dec_grad_projected")));
    }

    void adamStep() {
      TopKSae sae = sae();
      Activations x = activations();
      TopKSae.Gradient grad = new TopKSae.Gradient(sae);
      sae.lossAndGradient(x.x(), 0, x.rows(), dead(), s.get("scale").asDouble(), grad);
      sae.projectDecoderGradient(grad);
      JsonNode a = g.get("adam_step");
      new TopKSae.Adam(
              sae,
              a.get("lr").asDouble(),
              a.get("beta1").asDouble(),
              a.get("beta2").asDouble(),
              a.get("eps").asDouble())
          .step(sae, grad);
      sae.normaliseDecoder();
      JsonNode after = a.get("params_after");
      assertClose("w_enc after", sae.encoderWeights(), doubles(after.get("w_enc")));
      assertClose("b_enc after", sae.encoderBias(), doubles(after.get("b_enc")));
      assertClose("w_dec after", sae.decoderWeights(), doubles(after.get("w_dec")));
      assertClose("b_pre after", sae.preBias(), doubles(after.get("b_pre")));
    }

    void metrics() {
      TopKSae sae = sae();
      HookedModel hooked = hooked();
      Activations x = hooked.activations(batch);
      Codes codes = sae.encode(x.x(), 0, x.rows());
      double[] clean = hooked.logits(x.x(), 0, batch.size());
      double[] zero = hooked.logits(new double[x.x().length], 0, batch.size());
      SaeQuality q = SaeQuality.measure(sae, x, codes, hooked, batch, clean, zero);
      JsonNode m = g.get("metrics");
      double[] actual = {
        q.l0(),
        q.fve(),
        q.ceClean(),
        q.ceSpliced(),
        q.ceZero(),
        q.ceScore(),
        q.klSpliced(),
        q.klZero(),
        q.klScore()
      };
      String[] keys = {
        "l0",
        "fve",
        "ce_clean",
        "ce_spliced",
        "ce_zero_ablation",
        "ce_score",
        "kl_spliced",
        "kl_zero_ablation",
        "kl_score"
      };
      for (int i = 0; i < keys.length; i++) {
        assertClose(keys[i], new double[] {actual[i]}, new double[] {m.get(keys[i]).asDouble()});
      }
    }

    void ablations() {
      TopKSae sae = sae();
      HookedModel hooked = hooked();
      Activations x = hooked.activations(batch);
      Codes codes = sae.encode(x.x(), 0, x.rows());
      int[] all = IntStream.range(0, batch.size()).toArray();
      double[] clean = hooked.logits(x.x(), 0, batch.size());
      assertClose("logits_clean", clean, doubles(g.get("logits_clean")));
      JsonNode ab = g.get("ablation");
      int[] latents = new int[ab.get("latents").size()];
      for (int i = 0; i < latents.length; i++) {
        latents[i] = ab.get("latents").get(i).asInt();
      }
      LatentAblation ablation = new LatentAblation(sae, x, codes, hooked, batch.seqLen());
      int classes = hooked.classes();
      double[] zero = ablation.logits(latents, new double[latents.length], all, clean);
      assertClose("zero ablation logits", zero, doubles(ab.get("zero").get("logits")));
      assertClose(
          "zero ablation ce",
          new double[] {Readout.crossEntropy(zero, classes, batch.labels(), all)},
          new double[] {ab.get("zero").get("ce").asDouble()});
      double[] sums = codes.activationSums(sae.latents());
      double[] means = new double[latents.length];
      for (int i = 0; i < latents.length; i++) {
        means[i] = sums[latents[i]] / x.rows();
      }
      assertClose("latent means", means, doubles(ab.get("mean").get("latent_means")));
      double[] mean = ablation.logits(latents, means, all, clean);
      assertClose("mean ablation logits", mean, doubles(ab.get("mean").get("logits")));
      assertClose(
          "mean ablation ce",
          new double[] {Readout.crossEntropy(mean, classes, batch.labels(), all)},
          new double[] {ab.get("mean").get("ce").asDouble()});
    }

    private double[] dense(Codes codes) {
      double[] z = new double[codes.rows() * n];
      for (int r = 0; r < codes.rows(); r++) {
        for (int sl = 0; sl < codes.k(); sl++) {
          int i = codes.idx()[r * codes.k() + sl];
          if (i >= 0) {
            z[r * n + i] = codes.val()[r * codes.k() + sl];
          }
        }
      }
      return z;
    }
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  /** Relative error in the 2-norm per tensor, as the golden README asks. */
  static void assertClose(String what, double[] actual, double[] expected) {
    assertThat(actual.length).as("length of " + what).isEqualTo(expected.length);
    double diff = 0;
    double ref = 0;
    for (int i = 0; i < actual.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      ref += expected[i] * expected[i];
    }
    double rel = Math.sqrt(diff) / Math.max(Math.sqrt(ref), 1e-300);
    assertThat(rel).as("relative error of " + what).isLessThanOrEqualTo(TOL);
  }
}
