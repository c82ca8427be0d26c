package io.manifoldsweep.jobs.cli;

import static io.manifoldsweep.jobs.cli.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.FullDiskFileSystem;
import io.manifoldsweep.jobs.TestFiles;
import io.manifoldsweep.jobs.sweep.SweepFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A results folder whose disk fills mid-sweep: one line on the console says what happened and what
 * to do, the traces go to the folder's log, the committed cells verify, and the rerun completes.
 */
class DiskFullTest {
  @TempDir Path tmp;

  @AfterEach
  void emptyTheDisk() {
    FullDiskFileSystem.left.set(Long.MAX_VALUE);
  }

  private CliTest.Run sweep(Path config, Path dir) {
    return cli(
        "sweep",
        config.toString(),
        "--out",
        dir.toString(),
        "--master",
        "local[2]",
        "--conf",
        "spark.hadoop.fs.file.impl=" + FullDiskFileSystem.class.getName(),
        "--conf",
        "spark.hadoop.fs.file.impl.disable.cache=true");
  }

  private static long bytesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(".crc"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  @Test
  void aFullDiskStopsTheSweepInOneLineAndTheRerunCompletes() throws IOException {
    Path config = tmp.resolve("tiny.yaml");
    Files.writeString(config, TestFiles.tinyYaml());
    Path roomy = tmp.resolve("roomy");
    FullDiskFileSystem.under = roomy.toString();
    assertThat(sweep(config, roomy).exit()).isZero();
    long fourCells = bytesUnder(roomy);

    Path dir = tmp.resolve("full");
    FullDiskFileSystem.under = dir.toString();
    FullDiskFileSystem.left.set(fourCells / 2);
    CliTest.Run full = sweep(config, dir);
    assertThat(full.exit()).isEqualTo(1);
    List<String> errors = full.err().lines().filter(l -> l.startsWith("error: ")).toList();
    assertThat(errors)
        .as(full.out() + full.err())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("error: results folder ")
        .contains(": no space left on device after ")
        .contains(" of 4 cells; committed cells are intact; free space and rerun the same command");
    assertThat(full.err()).doesNotContain("\tat ").doesNotContain("TaskSetManager");
    assertThat(full.err().lines().count()).as(full.err()).isLessThanOrEqualTo(6);
    Path log;
    try (Stream<Path> logs = Files.list(dir.resolve(SweepFolder.LOGS))) {
      log =
          logs.filter(p -> p.getFileName().toString().startsWith("sweep-"))
              .findFirst()
              .orElseThrow();
    }
    assertThat(full.err()).contains("warnings and stack traces: " + log);
    assertThat(Files.readString(log)).contains("No space left on device").contains("\tat ");

    FullDiskFileSystem.left.set(Long.MAX_VALUE);
    assertThat(cli("verify", dir.toString()).exit()).isZero();
    CliTest.Run again = sweep(config, dir);
    assertThat(again.exit()).as(again.err()).isZero();
    CliTest.Run verify = cli("verify", dir.toString());
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).contains("4 cells checked: none damaged");
  }
}
