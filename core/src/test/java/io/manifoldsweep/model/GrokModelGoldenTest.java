package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.manifoldsweep.intervene.Basis;
import io.manifoldsweep.intervene.Intervention;
import io.manifoldsweep.intervene.InterventionSpec;
import io.manifoldsweep.kernel.HostView;
import io.manifoldsweep.kernel.Workspaces;
import io.manifoldsweep.knob.KnobValues;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.train.TrainingStep;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code grok-*.json} (method 9, written by an independent PyTorch reference) in float64 to
 * 1e-9 relative per tensor: the modular model (bidirectional or causal attention, readout first or
 * last, the {@code =} token), its gradients, clipping, two clipped AdamW steps, the four projection
 * variants and a kick.
 */
class GrokModelGoldenTest {
  private static final double TOL = 1e-9;

  @TestFactory
  Stream<DynamicTest> matchesEveryGoldenGrokModel() throws IOException {
    Path dir = Path.of(System.getProperty("golden.dir", "../testdata/golden"));
    List<DynamicTest> tests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "grok-*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith("grok-analysis-")) {
          continue;
        }
        JsonNode g = new ObjectMapper().readTree(f.toFile());
        tests.add(DynamicTest.dynamicTest(name + " forward and gradients", () -> checkForward(g)));
        tests.add(DynamicTest.dynamicTest(name + " clipping", () -> checkClip(g)));
        tests.add(DynamicTest.dynamicTest(name + " two clipped AdamW steps", () -> checkAdamW(g)));
        for (String variant :
            List.of("gradient_all", "gradient_attention", "update_all", "update_attention")) {
          tests.add(
              DynamicTest.dynamicTest(
                  name + " projection " + variant, () -> checkProjection(g, variant)));
        }
        tests.add(DynamicTest.dynamicTest(name + " kick", () -> checkKick(g)));
      }
    }
    assertThat(tests).as("golden grok-*.json files in %s", dir).isNotEmpty();
    return tests.stream();
  }

  /** The model of a golden config: its shape and model knobs (the task's keys dropped). */
  static ModelSpec spec(JsonNode g) {
    ObjectNode c = ((ObjectNode) g.get("config")).deepCopy();
    c.remove(List.of("prime", "operation", "equals_token"));
    return ModelSpec.parse(c.toString());
  }

  static Batch batch(JsonNode b, int seqLen) {
    JsonNode tokens = b.get("tokens");
    int n = tokens.size();
    int[] flat = new int[n * seqLen];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < seqLen; t++) {
        flat[i * seqLen + t] = tokens.get(i).get(t).asInt();
      }
      labels[i] = b.get("labels").get(i).asInt();
    }
    return new Batch(n, seqLen, flat, labels, new int[n], new byte[n * seqLen]);
  }

  private static Params params(JsonNode g, ParamLayout layout) {
    return Params.fromArray(layout, Precision.FLOAT64, doubles(g.get("params")));
  }

  private void checkForward(JsonNode g) {
    ParamLayout layout = ParamLayout.of(spec(g));
    Transformer model = new Transformer(layout);
    Params p = params(g, layout);
    Batch a = batch(g.get("batch_a"), layout.spec().seqLen());
    Params grad = Params.zeros(layout, Precision.FLOAT64);
    double loss;
    try (Workspaces.Scope ignored = Workspaces.open("golden")) {
      double[] logits = new double[a.size() * layout.spec().classes()];
      HostView.of(model.infer(p, a).logits()).readAll(logits);
      close("logits_a", logits, doubles(g.get("logits_a")));
      loss = model.lossAndGradient(p, a, grad);
    }
    assertThat(loss).isCloseTo(g.get("loss_a").asDouble(), within(TOL));
    close("grads_a", grad.toDoubleArray(), doubles(g.get("grads_a")));
  }

  private void checkClip(JsonNode g) {
    ParamLayout layout = ParamLayout.of(spec(g));
    Params p = params(g, layout);
    Batch a = batch(g.get("batch_a"), layout.spec().seqLen());
    JsonNode clip = g.get("clip");
    // one SGD step of rate 1 from p subtracts exactly the clipped gradient
    Params after = Params.fromArray(layout, Precision.FLOAT64, p.toDoubleArray());
    new TrainingStep(
            new Transformer(layout),
            after,
            OptimizerSpec.parse("{optimizer: sgd, lr: 1.0, weight_decay: 0}")
                .create(layout, Precision.FLOAT64))
        .clipping(clip.get("max_norm").asDouble())
        .apply(a);
    double[] clipped = p.toDoubleArray();
    double[] moved = after.toDoubleArray();
    for (int i = 0; i < clipped.length; i++) {
      clipped[i] -= moved[i];
    }
    close("clipped gradient", clipped, doubles(clip.get("clipped")));
  }

  private static OptimizerSpec adamw(JsonNode h) {
    Map<String, Object> knobs = new LinkedHashMap<>();
    knobs.put("optimizer", "adamw");
    for (String k : List.of("lr", "beta1", "beta2", "eps", "weight_decay")) {
      knobs.put(k, h.get(k).asDouble());
    }
    return OptimizerSpec.of(knobs);
  }

  /** Two clipped AdamW steps, on batch a then b, with {@code intervention} if not null. */
  private static double[][] twoSteps(JsonNode g, Intervention intervention, Params p) {
    ParamLayout layout = p.layout();
    JsonNode h = g.get("adamw");
    TrainingStep step =
        new TrainingStep(new Transformer(layout), p, adamw(h).create(layout, Precision.FLOAT64))
            .clipping(h.get("grad_clip").asDouble());
    if (intervention != null) {
      step.intervening(intervention);
    }
    double[][] updates = new double[2][];
    step.apply(batch(g.get("batch_a"), layout.spec().seqLen()), 1);
    updates[0] = step.lastUpdate();
    step.apply(batch(g.get("batch_b"), layout.spec().seqLen()), 2);
    updates[1] = step.lastUpdate();
    return updates;
  }

  private void checkAdamW(JsonNode g) {
    ParamLayout layout = ParamLayout.of(spec(g));
    Params p = params(g, layout);
    twoSteps(g, null, p);
    close(
        "params after a then b",
        p.toDoubleArray(),
        doubles(g.get("adamw").get("params_after_a_then_b")));
  }

  /** The golden's basis: K flat columns, each nonzero inside one attention matrix. */
  static Basis basis(JsonNode columns, ParamLayout layout) {
    Map<String, List<double[]>> byBlock = new LinkedHashMap<>();
    for (JsonNode col : columns) {
      double[] v = doubles(col);
      for (String block : layout.blockNames()) {
        ParamLayout.Entry e = layout.blockEntry(block);
        double inside = 0;
        for (long i = e.offset(); i < e.offset() + e.length(); i++) {
          inside += Math.abs(v[(int) i]);
        }
        if (inside > 0) {
          byBlock
              .computeIfAbsent(block, b -> new ArrayList<>())
              .add(
                  java.util.Arrays.copyOfRange(
                      v, (int) e.offset(), (int) (e.offset() + e.length())));
        }
      }
    }
    Map<String, double[][]> directions = new LinkedHashMap<>();
    byBlock.forEach((b, rows) -> directions.put(b, rows.toArray(new double[0][])));
    return Basis.of(layout, directions);
  }

  private void checkProjection(JsonNode g, String variant) {
    ParamLayout layout = ParamLayout.of(spec(g));
    JsonNode iv = g.get("intervention");
    String[] parts = variant.split("_");
    InterventionSpec spec =
        new InterventionSpec(
            KnobValues.parse(
                "{kind: project, start: 1, strength: "
                    + iv.get("strength").asDouble()
                    + ", target: "
                    + parts[0]
                    + ", scope: "
                    + parts[1]
                    + "}",
                InterventionSpec.KNOBS));
    Params p = params(g, layout);
    Intervention intervention = new Intervention(spec, basis(iv.get("basis"), layout));
    double[][] updates = twoSteps(g, intervention, p);
    JsonNode expected = iv.get("variants").get(variant);
    close(
        variant + " params after 2 steps",
        p.toDoubleArray(),
        doubles(expected.get("params_after_2_steps")));
    for (int s = 0; s < 2; s++) {
      double want = expected.get("update_fraction_in_basis").get(s).asDouble();
      assertThat(intervention.basis().fractionInSpan(updates[s]))
          .as("%s update %d fraction in span(B)", variant, s + 1)
          .isCloseTo(want, within(TOL));
    }
  }

  private void checkKick(JsonNode g) {
    ParamLayout layout = ParamLayout.of(spec(g));
    JsonNode k = g.get("kick");
    InterventionSpec spec =
        new InterventionSpec(
            KnobValues.parse(
                "{kind: kick, alpha: " + k.get("alpha").asDouble() + "}", InterventionSpec.KNOBS));
    Params p = params(g, layout);
    new Intervention(spec, basis(g.get("intervention").get("basis"), layout))
        .kick(p, doubles(k.get("delta")), k.get("step_norm").asDouble());
    close("params after the kick", p.toDoubleArray(), doubles(k.get("params_after")));
  }

  /** Norm-based relative error per tensor, as the golden README asks. */
  static void close(String what, double[] got, double[] want) {
    assertThat(got).as(what + " length").hasSameSizeAs(want);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < want.length; i++) {
      diff += (got[i] - want[i]) * (got[i] - want[i]);
      norm += want[i] * want[i];
    }
    assertThat(Math.sqrt(diff))
        .as(what + " error relative to its norm %s", Math.sqrt(norm))
        .isLessThanOrEqualTo(TOL * Math.max(Math.sqrt(norm), 1e-300));
  }

  static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }
}
