package io.manifoldsweep.jobs.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell resumed at step 15,000 of 20,000 must not look 15,000 steps fast, nor make the sweep's ETA
 * look near.
 */
class SweepProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path tmp;

  private long now = 42 * SECOND;
  private SweepFolder folder;

  @BeforeEach
  void folder() {
    folder = SweepFolder.at(new Configuration(), tmp.toUri().toString());
  }

  @Test
  void aResumedAttemptsRateCountsOnlyTheStepsItTrained() throws IOException {
    CellProgressWriter writer = new CellProgressWriter(folder, "c1", Long.MAX_VALUE, () -> now);
    writer.onStart(15_000, 20_000);
    assertThat(progressOf("c1")).isEqualTo(new CellProgress(15_000, 20_000, 0, 15_000));

    now += 10 * SECOND;
    writer.onProgress(16_000, 20_000, 1.5);
    assertThat(progressOf("c1")).isEqualTo(new CellProgress(16_000, 20_000, 100, 15_000));

    now += SECOND;
    writer.onProgress(16_100, 20_000, 1.4);
    assertThat(progressOf("c1").step()).as("written at most every five seconds").isEqualTo(16_000);
  }

  @Test
  void theKillHookFiresFromItsStep() {
    CellProgressWriter writer = new CellProgressWriter(folder, "c1", 300, () -> now);
    writer.onStart(0, 1_000);
    writer.onProgress(200, 1_000, 2.0);
    assertThatThrownBy(() -> writer.onProgress(300, 1_000, 2.0))
        .hasMessageContaining("dies at step 300");
  }

  @Test
  void aResumedSweepsEtaCountsOnlyTheWorkDoneSinceItStarted() throws IOException {
    List<CellSpec> cells = SweepSpec.parse(TestFiles.tinyYaml(), "tiny.yaml").cells();
    CellSpec resumed = cells.get(0);
    assertThat(cells).allSatisfy(c -> assertThat(c.cost()).isEqualTo(resumed.cost()));
    Map<String, CellSpec> pending =
        cells.stream().collect(Collectors.toMap(CellSpec::cellId, Function.identity()));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (SweepProgress progress =
        new SweepProgress(
            "tiny",
            folder,
            pending,
            Set.of(),
            cells.size(),
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            3_600_000,
            () -> now)) {
      now += 10 * SECOND;
      CellProgressWriter writer =
          new CellProgressWriter(folder, resumed.cellId(), Long.MAX_VALUE, () -> now);
      writer.onStart(15_000, 20_000);
      now += 10 * SECOND;
      writer.onProgress(16_000, 20_000, 1.5);
      progress.report();
      // 20 s bought 1,000 steps of one cell; 4,000 of it and every other cell are left
      double left = cells.size() - 1 + 0.2;
      assertThat(lastReport(printed))
          .contains("1 running", "ETA " + SweepProgress.formatSeconds(20 * left / 0.05))
          .contains(resumed.cellId() + " ")
          .contains("step 16000/20000 (100.0 steps/s, resumed at step 15000)");

      Files.createDirectories(tmp.resolve(Tables.RUNS));
      Files.writeString(tmp.resolve(Tables.RUNS).resolve(resumed.cellId() + ".parquet"), "");
      Files.delete(tmp.resolve(SweepFolder.PROGRESS).resolve(resumed.cellId()));
      now += 20 * SECOND;
      progress.report();
      // committed: 40 s bought the quarter of it this driver trained
      assertThat(lastReport(printed))
          .contains(
              "1/" + cells.size() + " cells done",
              "0 running",
              "ETA " + SweepProgress.formatSeconds(40.0 * (cells.size() - 1) / 0.25));
    }
  }

  @Test
  void aLineOfAnOlderWriterReadsAsAFreshStartAndAPartialLineAsNone() {
    assertThat(CellProgress.parse("1200 2000 35.5\n"))
        .contains(new CellProgress(1200, 2000, 35.5, 0));
    assertThat(CellProgress.parse("1200 20")).isEmpty();
    assertThat(CellProgress.parse("1200 2000 3x.5 0")).isEmpty();
  }

  private CellProgress progressOf(String cellId) throws IOException {
    return CellProgress.parse(Files.readString(tmp.resolve(SweepFolder.PROGRESS).resolve(cellId)))
        .orElseThrow();
  }

  private static String lastReport(ByteArrayOutputStream printed) {
    String all = printed.toString(StandardCharsets.UTF_8);
    return all.substring(all.lastIndexOf("[tiny]"));
  }
}
