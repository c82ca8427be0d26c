package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: exit codes, output formats, messages. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliTest {
  @TempDir
  static Path tmp;

  static Path config;

  /** What one command printed and returned. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void writeConfig() throws IOException {
    config = tmp.resolve("tiny.yaml");
    try (InputStream in = CliTest.class.getResourceAsStream("/tiny.yaml")) {
      Files.write(config, in.readAllBytes());
    }
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
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
    assertThat(cli("analyze", dir.toString(), "--master", "local[2]").exit()).isZero();
    Run csv = cli("query", dir.toString(), "SELECT modulus, count(*) AS n FROM runs GROUP BY modulus ORDER BY modulus", "--format", "csv");
    assertThat(csv.out()).isEqualTo("modulus,n\n5,2\n7,2\n");
    Run json = cli("query", dir.toString(), "SELECT count(*) AS n FROM dimensions", "--format", "json");
    assertThat(json.out().trim()).isEqualTo("{\"n\":20}");
    Run summary = cli("query", dir.toString(), "--summary");
    assertThat(summary.out()).contains("Manifold dimension per block").contains("Cross-seed subspace alignment").contains("layer0.wq");
    Run tables = cli("query", dir.toString());
    assertThat(tables.out()).contains("runs: struct<cell_id:string").contains("alignment: struct<");
  }

  @Test
  @Order(2)
  void badInputExitsNonZeroNamingTheProblem() throws IOException {
    Run missing = cli("sweep", tmp.resolve("nope.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.yaml").contains("no such file");

    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(config).replace("marker_base", "marker_bse"));
    Run unknown = cli("sweep", typo.toString(), "--out", tmp.resolve("never").toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("task.marker_bse=16: unknown key");
    assertThat(tmp.resolve("never")).doesNotExist();

    Run empty = cli("analyze", tmp.resolve("empty").toString(), "--master", "local[1]");
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).contains("holds no results");

    Path other = tmp.resolve("other.yaml");
    Files.writeString(other, Files.readString(config).replace("name: tiny", "name: other"));
    Run foreign = cli("sweep", other.toString(), "--out", tmp.resolve("results").toString(), "--master", "local[1]");
    assertThat(foreign.exit()).isEqualTo(2);
    assertThat(foreign.err()).contains("holds cells of sweep 'tiny'");
  }
}
