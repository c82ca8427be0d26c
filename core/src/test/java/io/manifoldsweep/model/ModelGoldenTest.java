package io.manifoldsweep.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.manifoldsweep.kernel.Linalg;
import io.manifoldsweep.optim.Optimizer;
import io.manifoldsweep.optim.OptimizerSpec;
import io.manifoldsweep.task.Batch;
import io.manifoldsweep.train.CommutatorProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Compares the float64 model with every {@code model-*.json} golden file: logits, loss, attention,
 * every gradient, one SGD step, three AdamW steps, the commutator delta and its defect.
 */
class ModelGoldenTest {
  private static final double TOLERANCE = 1e-9;

  static List<Path> goldenFiles(String prefix) throws IOException {
    Path dir = Path.of(System.getProperty("golden.dir", "../testdata/golden"));
    assertThat(dir).as("golden folder (system property golden.dir)").isDirectory();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(
                  p ->
                      p.getFileName().toString().startsWith(prefix)
                          && p.toString().endsWith(".json"))
              .sorted()
              .toList();
    }
    assertThat(files).as("golden files %s*.json in %s", prefix, dir).isNotEmpty();
    return files;
  }

  @TestFactory
  Stream<DynamicTest> matchesEveryGoldenModel() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : goldenFiles("model-")) {
      JsonNode g = new ObjectMapper().readTree(file.toFile());
      String name = file.getFileName().toString();
      tests.add(DynamicTest.dynamicTest(name + " forward", () -> checkForward(g)));
      tests.add(DynamicTest.dynamicTest(name + " gradients", () -> checkGradients(g)));
      tests.add(DynamicTest.dynamicTest(name + " sgd step", () -> checkSgd(g)));
      tests.add(DynamicTest.dynamicTest(name + " adamw 3 steps", () -> checkAdamW(g)));
      tests.add(DynamicTest.dynamicTest(name + " commutator", () -> checkCommutator(g)));
    }
    return tests.stream();
  }

  static ModelSpec spec(JsonNode g) {
    return ModelSpec.parse(g.get("config").toString());
  }

  static Params params(JsonNode g, ParamLayout layout, String field) {
    double[] flat = new double[(int) layout.size()];
    for (ParamLayout.Entry e : layout.entries()) {
      JsonNode values = g.get(field).get(e.name());
      assertThat(values).as("golden %s.%s", field, e.name()).isNotNull();
      assertThat(values.size()).as("length of %s", e.name()).isEqualTo(e.length());
      for (int i = 0; i < values.size(); i++) {
        flat[(int) e.offset() + i] = values.get(i).asDouble();
      }
    }
    return Params.fromArray(layout, Precision.FLOAT64, flat);
  }

  static Batch batch(JsonNode node, int seqLen) {
    JsonNode rows = node.get("tokens");
    int b = rows.size();
    int[] tokens = new int[b * seqLen];
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < seqLen; j++) {
        tokens[i * seqLen + j] = rows.get(i).get(j).asInt();
      }
      labels[i] = node.get("labels").get(i).asInt();
    }
    return new Batch(b, seqLen, tokens, labels, new int[b], new byte[b * seqLen]);
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  static double[] values(INDArray x) {
    return Linalg.shaped(x.dup('c'), x.length()).toDoubleVector();
  }

  static void assertClose(String what, double[] actual, double[] expected) {
    assertClose(what, actual, expected, 1e-300);
  }

  /** Relative error in the 2-norm; {@code floor} bounds the denominator for tensors that are 0. */
  static void assertClose(String what, double[] actual, double[] expected, double floor) {
    assertThat(actual.length).as("length of " + what).isEqualTo(expected.length);
    double diff = 0;
    double ref = 0;
    for (int i = 0; i < actual.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      ref += expected[i] * expected[i];
    }
    double rel = Math.sqrt(diff) / Math.max(Math.sqrt(ref), floor);
    assertThat(rel).as("relative error of " + what).isLessThanOrEqualTo(TOLERANCE);
  }

  private static void checkLayout(JsonNode g, ParamLayout layout) {
    JsonNode order = g.get("param_order");
    assertThat(order.size()).isEqualTo(layout.entries().size());
    for (int i = 0; i < order.size(); i++) {
      ParamLayout.Entry e = layout.entries().get(i);
      assertThat(e.name()).isEqualTo(order.get(i).get("name").asText());
      long[] shape = new long[order.get(i).get("shape").size()];
      for (int j = 0; j < shape.length; j++) {
        shape[j] = order.get(i).get("shape").get(j).asLong();
      }
      assertThat(e.shape()).as("shape of %s", e.name()).isEqualTo(shape);
    }
  }

  private void checkForward(JsonNode g) {
    ModelSpec spec = spec(g);
    ParamLayout layout = ParamLayout.of(spec);
    checkLayout(g, layout);
    Transformer model = new Transformer(layout);
    Transformer.Forward f =
        model.forward(params(g, layout, "params"), batch(g.get("batch_a"), spec.seqLen()));
    assertClose("logits", values(f.logits()), doubles(g.get("logits_a")));
    int top = spec.layers() - 1;
    for (int i = 0; i < top; i++) {
      assertClose("attention layer " + i, f.attention(i), doubles(g.get("attention_a").get(i)));
    }
    // both passes run the last block at the last position alone
    assertClose(
        "attention of the last position, layer " + top,
        f.attention(top),
        lastRows(g, top, spec.seqLen()));
    Batch batch = batch(g.get("batch_a"), spec.seqLen());
    Transformer.Inference inf = model.infer(params(g, layout, "params"), batch);
    assertClose("inference logits", values(inf.logits()), doubles(g.get("logits_a")));
    for (int i = 0; i < spec.layers(); i++) {
      assertClose(
          "last position's attention, layer " + i,
          inf.readoutAttention(i),
          lastRows(g, i, spec.seqLen()));
    }
  }

  /**
   * The golden attention's rows of each sequence's last position in {@code layer}, {@code [B*H,
   * T]}.
   */
  private static double[] lastRows(JsonNode g, int layer, int t) {
    double[] full = doubles(g.get("attention_a").get(layer));
    double[] rows = new double[full.length / t];
    for (int r = 0; r < rows.length / t; r++) {
      System.arraycopy(full, (r * t + t - 1) * t, rows, r * t, t);
    }
    return rows;
  }

  private void checkGradients(JsonNode g) {
    ModelSpec spec = spec(g);
    ParamLayout layout = ParamLayout.of(spec);
    Params grad = Params.zeros(layout, Precision.FLOAT64);
    double loss =
        new Transformer(layout)
            .lossAndGradient(
                params(g, layout, "params"), batch(g.get("batch_a"), spec.seqLen()), grad);
    assertClose("loss", new double[] {loss}, new double[] {g.get("loss_a").asDouble()});
    double total = 0;
    for (ParamLayout.Entry e : layout.entries()) {
      for (double v : doubles(g.get("grads_a").get(e.name()))) {
        total += v * v;
      }
    }
    // The key bias cannot change a softmax row, so its exact gradient is 0 and the golden file
    // holds
    // rounding noise; such tensors are measured against the whole gradient's norm instead.
    double floor = 1e-6 * Math.sqrt(total);
    for (ParamLayout.Entry e : layout.entries()) {
      assertClose(
          "grad " + e.name(),
          values(grad.get(e.name())),
          doubles(g.get("grads_a").get(e.name())),
          floor);
    }
  }

  private void checkSgd(JsonNode g) {
    JsonNode step = g.get("sgd_step");
    OptimizerSpec sgd =
        OptimizerSpec.of(
            Map.of("optimizer", "sgd", "lr", step.get("lr").asDouble(), "weight_decay", 0.0));
    checkSteps(g, sgd, 1, step.get("params_after"));
  }

  private void checkAdamW(JsonNode g) {
    JsonNode s = g.get("adamw_3_steps_on_a");
    Map<String, Object> knobs = new LinkedHashMap<>();
    knobs.put("optimizer", "adamw");
    for (String k : List.of("lr", "weight_decay", "beta1", "beta2", "eps")) {
      knobs.put(k, s.get(k).asDouble());
    }
    OptimizerSpec adamw = OptimizerSpec.of(knobs);
    checkSteps(g, adamw, 3, s.get("params_after"));
  }

  private void checkSteps(JsonNode g, OptimizerSpec optSpec, int steps, JsonNode expected) {
    ModelSpec spec = spec(g);
    ParamLayout layout = ParamLayout.of(spec);
    Transformer model = new Transformer(layout);
    Params p = params(g, layout, "params");
    Params grad = Params.zeros(layout, Precision.FLOAT64);
    Optimizer opt = optSpec.create(layout, Precision.FLOAT64);
    Batch a = batch(g.get("batch_a"), spec.seqLen());
    for (int i = 0; i < steps; i++) {
      model.lossAndGradient(p, a, grad);
      opt.step(p, grad);
    }
    for (ParamLayout.Entry e : layout.entries()) {
      assertClose(
          optSpec.kind() + " " + e.name(),
          values(p.get(e.name())),
          doubles(expected.get(e.name())));
    }
  }

  private void checkCommutator(JsonNode g) {
    ModelSpec spec = spec(g);
    ParamLayout layout = ParamLayout.of(spec);
    JsonNode c = g.get("commutator");
    assertThat(c.get("first").asText()).isEqualTo("a");
    Params p = params(g, layout, "params");
    INDArray before = p.flat().dup();
    CommutatorProbe probe = new CommutatorProbe(new Transformer(layout), p);
    CommutatorProbe.Sample s =
        probe.measure(
            p,
            batch(g.get("batch_a"), spec.seqLen()),
            batch(g.get("batch_b"), spec.seqLen()),
            c.get("eta").asDouble());
    assertClose("commutator delta", s.delta(), doubles(c.get("delta")));
    assertClose(
        "commutator defect", new double[] {s.defect()}, new double[] {c.get("defect").asDouble()});
    assertThat(p.flat().equals(before)).as("probe leaves the parameters unchanged").isTrue();
  }
}
