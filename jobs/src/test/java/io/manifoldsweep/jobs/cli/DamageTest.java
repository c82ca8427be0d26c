package io.manifoldsweep.jobs.cli;

import static io.manifoldsweep.jobs.cli.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.TestFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged file costs its cell, not the folder: verify names the cell, --repair moves it aside,
 * the next sweep retrains exactly that cell, and readers answer for the others meanwhile.
 */
class DamageTest {
  @TempDir static Path tmp;

  static Path config;
  static Path clean;
  static List<String> ids;

  @BeforeAll
  static void sweep() throws IOException {
    config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TestFiles.tinyYaml());
    clean = tmp.resolve("clean");
    CliTest.Run sweep =
        cli("sweep", config.toString(), "--out", clean.toString(), "--master", "local[2]");
    assertThat(sweep.exit()).as(sweep.err()).isZero();
    try (Stream<Path> runs = Files.list(clean.resolve("runs"))) {
      ids =
          runs.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".parquet"))
              .map(n -> n.substring(0, n.length() - ".parquet".length()))
              .sorted()
              .toList();
    }
    assertThat(ids).hasSize(4);
  }

  static Path copy(String name) throws IOException {
    return TestFiles.copyTree(clean, tmp.resolve(name), p -> true);
  }

  static Path file(Path dir, String table, String id) {
    return dir.resolve(table).resolve(id + ".parquet");
  }

  static void truncate(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
  }

  @Test
  void verifyNamesTheDamagedCellsAndTheSweepAfterRepairRetrainsExactlyThem() throws IOException {
    Path dir = copy("damaged");
    String truncated = ids.get(0);
    String missing = ids.get(1);
    String emptyRuns = ids.get(2);
    long committed = Files.size(file(dir, "snapshots", truncated));
    truncate(file(dir, "snapshots", truncated));
    Files.delete(file(dir, "metrics", missing));
    Files.write(file(dir, "runs", emptyRuns), new byte[0]);

    CliTest.Run verify = cli("verify", dir.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out().lines().filter(l -> l.startsWith("damaged: ")))
        .containsExactlyInAnyOrder(
            "damaged: "
                + truncated
                + ": snapshots/"
                + truncated
                + ".parquet: "
                + committed / 2
                + " bytes, committed "
                + committed,
            "damaged: " + missing + ": metrics/" + missing + ".parquet: missing",
            "damaged: " + emptyRuns + ": runs/" + emptyRuns + ".parquet: empty (0 bytes)");
    assertThat(verify.out()).contains("4 cells checked: 3 damaged", "--repair");

    CliTest.Run runs =
        cli(
            "query",
            dir.toString(),
            "SELECT cell_id FROM runs ORDER BY cell_id",
            "--format",
            "csv");
    assertThat(runs.exit()).as(runs.err()).isZero();
    assertThat(runs.out()).isEqualTo("cell_id\n" + ids.get(3) + "\n");
    assertThat(runs.err())
        .contains("warning: 3 damaged cells left out of every table")
        .contains("submit/verify " + dir + " --repair");
    CliTest.Run snapshots =
        cli(
            "query",
            dir.toString(),
            "SELECT DISTINCT cell_id FROM snapshots ORDER BY cell_id",
            "--format",
            "csv");
    assertThat(snapshots.exit()).as(snapshots.err()).isZero();
    assertThat(snapshots.out()).isEqualTo("cell_id\n" + ids.get(3) + "\n");

    CliTest.Run sweepBeforeRepair =
        cli("sweep", config.toString(), "--out", dir.toString(), "--master", "local[2]");
    assertThat(sweepBeforeRepair.exit()).isEqualTo(2);
    assertThat(sweepBeforeRepair.err())
        .contains("runs/" + emptyRuns + ".parquet")
        .contains("--repair");

    CliTest.Run repair = cli("verify", dir.toString(), "--repair");
    assertThat(repair.exit()).as(repair.out()).isZero();
    assertThat(dir.resolve("_damaged").resolve(truncated).resolve("snapshots"))
        .isDirectoryContaining(p -> p.getFileName().toString().equals(truncated + ".parquet"));
    assertThat(
            dir.resolve("_damaged")
                .resolve(emptyRuns)
                .resolve("runs")
                .resolve(emptyRuns + ".parquet"))
        .exists()
        .isEmptyFile();
    for (String id : List.of(truncated, missing, emptyRuns)) {
      assertThat(file(dir, "runs", id)).doesNotExist();
    }
    assertThat(cli("verify", dir.toString()).out()).contains("1 cells checked: none damaged");

    CliTest.Run again =
        cli("sweep", config.toString(), "--out", dir.toString(), "--master", "local[2]");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("3 ok, 0 diverged, 0 failed", "1 already finished");
    CliTest.Run after = cli("verify", dir.toString());
    assertThat(after.exit()).isZero();
    assertThat(after.out()).contains("4 cells checked: none damaged");
  }

  @Test
  void aFileOfTheRightSizeWithOtherBytesIsCaughtByItsChecksum() throws IOException {
    Path dir = copy("flipped");
    String id = ids.get(1);
    Path commutators = file(dir, "commutators", id);
    try (RandomAccessFile f = new RandomAccessFile(commutators.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    CliTest.Run verify = cli("verify", dir.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out().lines().filter(l -> l.startsWith("damaged: ")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("damaged: " + id + ": commutators/" + id + ".parquet: ");
  }

  @Test
  void analyzeAnswersForTheOtherCellsAndSaysItLeftOneOut() throws IOException {
    Path dir = copy("analyze");
    String id = ids.get(3);
    truncate(file(dir, "snapshots", id));
    CliTest.Run analyze = cli("analyze", dir.toString(), "--master", "local[2]", "--skip-sae");
    assertThat(analyze.exit()).isEqualTo(1);
    assertThat(analyze.out()).contains("warning: 1 damaged cell left out of every table", id);
    assertThat(analyze.err()).contains("1 cell was left unanalysed because a file is damaged");
    CliTest.Run dims =
        cli(
            "query",
            dir.toString(),
            "SELECT count(DISTINCT cell_id) AS n FROM dimensions",
            "--format",
            "csv");
    assertThat(dims.out()).isEqualTo("n\n3\n");
  }
}
