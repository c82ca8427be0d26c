package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: exit codes, output formats, messages. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliTest {
  @TempDir static Path tmp;

  static Path config;

  /** What one command printed and returned. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void writeConfig() throws IOException {
    config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TestFiles.tinyYaml());
  }

  static Run cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  @Order(1)
  void sweepAnalyzeQueryAndSummary() {
    Path dir = tmp.resolve("results");
    Run sweep = cli("sweep", config.toString(), "--out", dir.toString(), "--master", "local[2]");
    assertThat(sweep.exit()).as(sweep.err()).isZero();
    assertThat(sweep.out()).contains("4 ok, 0 diverged, 0 failed").contains("submit/query " + dir);
    Run again = cli("sweep", config.toString(), "--out", dir.toString(), "--master", "local[2]");
    assertThat(again.out()).contains("4 already finished").contains("0 to train");
    Run analyze =
        cli(
            "analyze",
            dir.toString(),
            "--master",
            "local[2]",
            "--set",
            "sae.width=32",
            "--set",
            "sae.k=[4]",
            "--set",
            "sae.steps=40",
            "--set",
            "sae.examples=32",
            "--set",
            "sae.ablation_examples=8");
    assertThat(analyze.exit()).as(analyze.err()).isZero();
    assertThat(analyze.out())
        .contains("SAE analysis: 12 SAEs (12 checkpoint-layer hooks x 1 widths x 1 k)");
    Run csv =
        cli(
            "query",
            dir.toString(),
            "SELECT modulus, count(*) AS n FROM runs GROUP BY modulus ORDER BY modulus",
            "--format",
            "csv");
    assertThat(csv.out()).isEqualTo("modulus,n\n5,2\n7,2\n");
    Run json =
        cli("query", dir.toString(), "SELECT count(*) AS n FROM dimensions", "--format", "json");
    assertThat(json.out().trim()).isEqualTo("{\"n\":20}");
    Run summary = cli("query", dir.toString(), "--summary");
    assertThat(summary.out())
        .contains("Manifold dimension per block")
        .contains("Cross-seed subspace alignment")
        .contains("layer0.wq")
        .contains(
            "Sparse autoencoders per checkpoint and layer",
            "max_single_latent_drop",
            "matched_random_8_drop",
            "Manifold ablation at k = 3",
            "top_3_drop");
    Run tables = cli("query", dir.toString());
    assertThat(tables.out()).contains("runs: struct<cell_id:string").contains("alignment: struct<");
  }

  /** One malformed input: how to make it, the exit code, and what the message must name. */
  record BadInput(
      String name,
      String yamlFrom,
      String yamlTo,
      List<String> args,
      int exit,
      List<String> mustSay) {}

  static final String RESULTS = "@RESULTS@";
  static final String CONFIG = "@CONFIG@";

  /** As yamlFrom: replace the whole file by yamlTo. */
  static final String WHOLE_FILE = "*";

  /** As yamlTo: bytes that are not UTF-8. */
  static final String BINARY = "@BINARY@";

  static List<BadInput> catalogue() {
    return List.of(
        yaml("YAML syntax error", "task: {vocab: 32,", "task: {vocab: 32,, [", 2, "not valid YAML"),
        yaml(
            "unknown key",
            "marker_base: 16",
            "marker_bse: 16",
            2,
            "task.marker_bse=16: unknown key"),
        yaml("wrong type", "layers: 1", "layers: one", 2, "model.layers='one': must be an integer"),
        yaml("zero steps", "steps: 60", "steps: 0", 2, "train.steps=0"),
        yaml("negative batch size", "batch_size: 32", "batch_size: -4", 2, "train.batch_size=-4"),
        yaml(
            "d_model not divisible by heads",
            "d_model: 16, heads: 2",
            "d_model: 16, heads: 3",
            2,
            "model.d_model=16: is not divisible by heads=3"),
        yaml(
            "too many markers for seq_len",
            "markers: {min: 1, max: 2}",
            "markers: {min: 1, max: 4}",
            2,
            "task.markers.max=4",
            "seq_len=8"),
        yaml(
            "marker tokens outside the vocabulary",
            "marker_base: 16",
            "marker_base: 31",
            2,
            "task.marker_base=31",
            "vocab=32"),
        yaml(
            "modulus reaching the marker tokens",
            "modulus: [5, 7]",
            "modulus: [5, 20]",
            2,
            "task.modulus=20",
            "marker_base=16"),
        yaml(
            "empty grid axis",
            "modulus: [5, 7]",
            "modulus: []",
            2,
            "task.modulus=[]",
            "at least one value"),
        yaml(
            "zip of unequal axes",
            "init_seed: [0, 1]}",
            "init_seed: [0, 1], data_seed: [0]}\nzip: [[train.init_seed, train.data_seed]]",
            2,
            "same number of values"),
        yaml(
            "unknown optimizer",
            "lr: 3.0e-3",
            "lr: 3.0e-3, optimizer: adam",
            2,
            "train.optimizer='adam'"),
        yaml("negative learning rate", "lr: 3.0e-3", "lr: -3.0e-3", 2, "train.lr=-0.003"),
        yaml("missing sweep name", "name: tiny", "# no name", 2, "name=(missing)"),
        yaml("duplicate key", "name: tiny", "name: tiny\nname: again", 2, "not valid YAML"),
        yaml(
            "YAML tag constructing a Java object",
            "name: tiny",
            "name: tiny\nx: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1/\"]]]]",
            2,
            "not valid YAML"),
        yaml(
            "document that is not a mapping",
            WHOLE_FILE,
            "- just\n- a list\n",
            2,
            "must be a YAML mapping"),
        yaml("empty file", WHOLE_FILE, "", 2, "(empty)", "must be a YAML mapping"),
        yaml("binary garbage", WHOLE_FILE, BINARY, 2, "bad-binary-garbage.yaml", "not UTF-8 text"),
        yaml(
            "YAML alias bomb (9^9 strings)",
            "name: tiny",
            "name: tiny\n" + aliasBomb(9),
            2,
            "not valid YAML",
            "aliases"),
        yaml(
            "grid beyond the cell limit",
            "init_seed: [0, 1]}",
            "init_seed: {range: [0, 100000]}}",
            2,
            "expands to 200,000 cells, more than the limit of 10,000",
            "--max-cells",
            "train.init_seed x100000"),
        yaml(
            "model that cannot fit in memory",
            "model: {layers: 1, d_model: 16, heads: 2}",
            "model: {layers: 512, d_model: 131072, heads: 2}",
            2,
            "layers=512, d_model=131072",
            "needs about",
            "more than the"),
        yaml("infinite learning rate", "lr: 3.0e-3", "lr: .inf", 2, "train.lr=Infinity", "finite"),
        yaml(
            "learning rate that is not a number",
            "lr: 3.0e-3",
            "lr: .nan",
            2,
            "train.lr=NaN",
            "finite"),
        yaml(
            "integer out of range",
            "layers: 1",
            "layers: 99999999999",
            2,
            "model.layers=99999999999",
            "out of range"),
        new BadInput(
            "missing config file",
            null,
            null,
            List.of("sweep", "/nonexistent/sweep.yaml", "--out", RESULTS),
            2,
            List.of("/nonexistent/sweep.yaml", "no such file")),
        new BadInput(
            "unwritable output folder",
            null,
            null,
            List.of(
                "sweep", CONFIG, "--out", "/proc/manifold-sweep-results", "--master", "local[1]"),
            2,
            List.of("/proc/manifold-sweep-results", "not writable")),
        new BadInput(
            "output folder of another sweep",
            "name: tiny",
            "name: other",
            List.of("sweep", CONFIG, "--out", RESULTS, "--master", "local[1]"),
            2,
            List.of("holds cells of sweep 'tiny'")),
        new BadInput(
            "analysis of an empty folder",
            null,
            null,
            List.of("analyze", "@EMPTY@", "--master", "local[1]"),
            2,
            List.of("holds no results")),
        new BadInput(
            "report before analysis",
            null,
            null,
            List.of("report", "@UNANALYSED@", "--master", "local[1]"),
            2,
            List.of("no analysis tables")),
        new BadInput(
            "non-positive k",
            null,
            null,
            List.of("analyze", RESULTS, "--k", "0", "--master", "local[1]"),
            2,
            List.of("--k=0")),
        new BadInput(
            "SAE k of zero",
            null,
            null,
            List.of("analyze", RESULTS, "--set", "sae.k=[0]", "--master", "local[1]"),
            2,
            List.of("sae.k=0")),
        new BadInput(
            "unknown SAE setting",
            null,
            null,
            List.of("analyze", RESULTS, "--set", "sae.widht=3", "--master", "local[1]"),
            2,
            List.of("sae.widht=3", "unknown key")),
        new BadInput(
            "SAE layer beyond the model",
            null,
            null,
            List.of("analyze", RESULTS, "--set", "sae.layers=[3]", "--master", "local[1]"),
            2,
            List.of("sae.layers=[3]", "which has 1 layers")),
        new BadInput(
            "SAE settings file missing",
            null,
            null,
            List.of("analyze", RESULTS, "--sae-config", "/nonexistent/sae.yaml"),
            2,
            List.of("--sae-config=/nonexistent/sae.yaml", "no such file")),
        yaml(
            "bad SAE setting in the sweep file",
            "name: tiny",
            "name: tiny\nsae: {steps: 0}",
            2,
            "sae.steps=0"),
        new BadInput(
            "query naming a missing table",
            null,
            null,
            List.of("query", RESULTS, "SELECT * FROM nosuchtable"),
            1,
            List.of("nosuchtable")),
        new BadInput(
            "unknown output format",
            null,
            null,
            List.of("query", RESULTS, "SELECT 1", "--format", "xml"),
            2,
            List.of("--format", "xml")));
  }

  /** "Billion laughs": each of {@code levels} lists holds nine aliases of the one before. */
  static String aliasBomb(int levels) {
    StringBuilder y = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < levels; i++) {
      y.append("l")
          .append(i)
          .append(": &l")
          .append(i)
          .append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(9, "*l" + (i - 1))))
          .append("]\n");
    }
    return y.toString();
  }

  static BadInput yaml(String name, String from, String to, int exit, String... mustSay) {
    return new BadInput(
        name,
        from,
        to,
        List.of("sweep", CONFIG, "--out", RESULTS, "--master", "local[1]"),
        exit,
        List.of(mustSay));
  }

  @Test
  @Order(2)
  void badInputCatalogue() throws IOException {
    Path results = tmp.resolve("results");
    Path unanalysed = tmp.resolve("unanalysed");
    TestFiles.copyTree(
        results,
        unanalysed,
        p ->
            !p.toString().contains("dimension")
                && !p.toString().contains("alignment")
                && !p.toString().contains("saturation")
                && !p.toString().contains("bases")
                && !p.toString().contains("projections"));
    Path truncatedDir = tmp.resolve("truncated");
    TestFiles.copyTree(results, truncatedDir, p -> true);
    Map<String, Long> before = fingerprint(results);
    List<String> problems = new ArrayList<>();
    for (BadInput bad : catalogue()) {
      Path cfg = config;
      if (bad.yamlFrom() != null) {
        String text = Files.readString(config);
        if (!bad.yamlFrom().equals(WHOLE_FILE)) {
          assertThat(text)
              .as("catalogue case '%s' edits text that exists", bad.name())
              .contains(bad.yamlFrom());
        }
        cfg = tmp.resolve("bad-" + bad.name().replace(' ', '-') + ".yaml");
        if (bad.yamlTo().equals(BINARY)) {
          Files.write(
              cfg,
              new byte[] {
                (byte) 0x7f,
                'E',
                'L',
                'F',
                2,
                1,
                1,
                0,
                (byte) 0xc3,
                (byte) 0x28,
                (byte) 0xff,
                (byte) 0xfe,
                0,
                0
              });
        } else {
          Files.writeString(
              cfg,
              bad.yamlFrom().equals(WHOLE_FILE)
                  ? bad.yamlTo()
                  : text.replace(bad.yamlFrom(), bad.yamlTo()));
        }
      }
      Path config = cfg;
      String[] args =
          bad.args().stream()
              .map(
                  a ->
                      a.replace(RESULTS, results.toString())
                          .replace(CONFIG, config.toString())
                          .replace(
                              "@EMPTY@", tmp.resolve("empty-" + bad.name().length()).toString())
                          .replace("@UNANALYSED@", unanalysed.toString()))
              .toArray(String[]::new);
      Run run = cli(args);
      if (run.exit() != bad.exit()
          || bad.mustSay().stream().anyMatch(m -> !run.err().contains(m))) {
        problems.add(
            bad.name() + ": exit " + run.exit() + ", said: " + run.err().lines().limit(3).toList());
      }
      // a config refused for what it says is refused before Spark starts: no Spark line was printed
      if (bad.yamlFrom() != null
          && !bad.name().contains("another sweep")
          && (run.out() + run.err()).contains("SparkContext")) {
        problems.add(bad.name() + ": Spark started before the refusal");
      }
    }
    assertThat(problems).as("catalogue cases that misbehaved").isEmpty();
    assertThat(catalogue()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(fingerprint(results))
        .as("existing results untouched by every bad input")
        .isEqualTo(before);

    Path snapshot;
    try (Stream<Path> files = Files.list(truncatedDir.resolve("snapshots"))) {
      snapshot = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(snapshot);
    Files.write(snapshot, Arrays.copyOf(bytes, bytes.length / 3));
    Run truncated = cli("analyze", truncatedDir.toString(), "--master", "local[1]");
    assertThat(truncated.exit()).isEqualTo(1);
    assertThat(truncated.err()).contains(snapshot.getFileName().toString());
    assertThat(truncated.out()).contains("analysing 3 cells");
  }

  private static Map<String, Long> fingerprint(Path root) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(
            root.relativize(p).toString(),
            Files.size(p) * 31 + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }

  /**
   * The benchmarks' contract with scripts that parse them: figures first, one key=value line last.
   */
  @Test
  @Order(3)
  void trainBenchmarkEndsWithMsPerStep() {
    Run r =
        cli(
            "bench",
            "train",
            "--set",
            "model.layers=1",
            "--set",
            "model.d_model=16",
            "--set",
            "model.heads=2",
            "--set",
            "train.batch_size=4",
            "--set",
            "task.seq_len=8",
            "--set",
            "task.markers.max=3",
            "--steps",
            "3",
            "--warmup",
            "1");
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\\R");
    assertThat(lines[lines.length - 1]).matches("ms_per_step=\\d+\\.\\d{2}");
    assertThat(Double.parseDouble(lines[lines.length - 1].substring("ms_per_step=".length())))
        .isPositive();
    assertThat(r.out()).contains("step / floor");
    assertThat(r.out())
        .containsPattern(
            "memory the rest moves: \\d+\\.\\d MB read and \\d+\\.\\d MB written per step");
  }

  @Test
  @Order(4)
  void sweepBenchmarkEndsWithScalingEfficiencyAndRejectsZeroRounds() {
    Run r =
        cli(
            "bench",
            "sweep",
            "--cells",
            "2",
            "--cores",
            "2",
            "--steps",
            "20",
            "--d-model",
            "16",
            "--rounds",
            "2");
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\\R");
    assertThat(lines[lines.length - 1]).matches("scaling_efficiency=\\d+\\.\\d{3}");
    assertThat(
            Double.parseDouble(lines[lines.length - 1].substring("scaling_efficiency=".length())))
        .isPositive();
    assertThat(r.out()).contains("round 1:", "round 2:", "bytes/float");

    Run bad = cli("bench", "sweep", "--rounds", "0");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("--rounds", "0");
  }
}
