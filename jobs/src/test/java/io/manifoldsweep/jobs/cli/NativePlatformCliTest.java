package io.manifoldsweep.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that needs the native libraries, on a platform they are not built for, stops at once
 * with one line saying so; the commands that only read results still run there. The child JVM is
 * told it runs on macOS arm64 (JavaCPP's platform property), which makes JavaCPP look for the
 * binaries it would look for on an Apple silicon laptop.
 */
class NativePlatformCliTest {
  private static final List<String> APPLE_SILICON =
      List.of("-Dorg.bytedeco.javacpp.platform=macosx-arm64");

  private record Exit(int code, String output) {}

  private static Exit run(Path tmp, String... args) throws Exception {
    Path log = Files.createTempFile(tmp, "cli", ".log");
    Process p = CliProcess.start(log, APPLE_SILICON, args);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", List.of(args)).isTrue();
    return new Exit(p.exitValue(), Files.readString(log));
  }

  @Test
  void commandsThatLoadNativesAreRefusedUpFront() {
    assertThat(Main.loadsNatives("train", "--steps", "5")).isTrue();
    assertThat(Main.loadsNatives("run")).isTrue();
    assertThat(Main.loadsNatives("sweep", "conf/quick.yaml")).isTrue();
    assertThat(Main.loadsNatives("bench", "train")).isTrue();
    assertThat(Main.loadsNatives("analyze", "results/quick")).isTrue();
    assertThat(Main.loadsNatives("analyze", "results/quick", "--skip-sae")).isFalse();
    assertThat(Main.loadsNatives("query", "results/quick")).isFalse();
    assertThat(Main.loadsNatives("report", "results/quick")).isFalse();
    assertThat(Main.loadsNatives("train", "--help")).isFalse();
  }

  @Test
  void trainingOnAnotherPlatformSaysWhereItRunsAndWhatToDo(@TempDir Path tmp) throws Exception {
    Exit train = run(tmp, "train", "--steps", "5");
    assertThat(train.code()).as(train.output()).isEqualTo(1);
    assertThat(train.output())
        .contains(
            "error: this JVM runs on macosx-arm64", "for linux-x86_64 only", "Linux x86-64 machine")
        .doesNotContain("UnsatisfiedLinkError", "\tat ");
  }

  @Test
  void readingResultsStillWorksThere(@TempDir Path tmp) throws Exception {
    Exit help = run(tmp, "train", "--help");
    assertThat(help.code()).as(help.output()).isZero();
    assertThat(help.output()).contains("--set");
    Exit query = run(tmp, "query", tmp.resolve("nothing").toString());
    assertThat(query.code()).as(query.output()).isEqualTo(2);
    assertThat(query.output()).contains("holds no results").doesNotContain("macosx-arm64");
  }
}
