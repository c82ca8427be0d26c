package io.manifoldsweep.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestSessions;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep of more cells than a console should list writes their lines to a file it names. */
class ManyCellsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSessions.local("local[2]", "ManyCellsTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void moreThanFiftyCellsGetTheirLinesInAFileOfTheFolder(@TempDir Path tmp) throws IOException {
    int cells = SweepJob.CELL_LINES_ON_CONSOLE + 1;
    SweepSpec spec =
        SweepSpec.parse(
            """
            name: many
            task: {vocab: 32, modulus: 5, seq_len: 8, markers: {min: 1, max: 2}, marker_base: 16}
            model: {layers: 1, d_model: 8, heads: 2}
            train: {steps: 4, batch_size: 8, init_seed: {range: [0, %d]}}
            record: {snapshot_every: 2, eval_every: 4, eval_examples: 16, probe_examples: 8,
                     commutator_every: 4, commutator_pairs: 1, checkpoints: []}
            """
                .formatted(cells),
            "many.yaml");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    Path dir = tmp.resolve("many");
    SweepJob.Outcome o =
        new SweepJob(spark, new PrintStream(console, true, StandardCharsets.UTF_8), 600_000)
            .run(spec, spec.cells(), dir.toString(), SweepHooks.NONE);
    assertThat(o.count("ok")).isEqualTo(cells);
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().filter(l -> l.contains(" status="))).isEmpty();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir.resolve(SweepFolder.LOGS))) {
      files = s.filter(p -> p.getFileName().toString().startsWith("many-cells-")).toList();
    }
    assertThat(files).singleElement();
    assertThat(out)
        .contains("one line per trained cell: ")
        .contains(files.get(0).getFileName().toString());
    assertThat(Files.readAllLines(files.get(0)))
        .hasSize(cells)
        .allMatch(l -> l.contains(" status=ok "));
  }
}
