package io.manifoldsweep.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.manifoldsweep.jobs.SubmitScripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit/bench ... --save}: a reading becomes a file that says what it was read on. */
class BenchSaveIT {
  @TempDir Path readings;

  @TempDir Path logs;

  private SubmitScripts.Result bench(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "submit/bench";
    System.arraycopy(args, 0, command, 1, args.length);
    return new SubmitScripts(
            logs, Map.of("MS_BENCH_DIR", readings.toString(), "MS_JAVA_OPTS", "-Xmx1g"), 300)
        .run(command);
  }

  private List<Path> saved() throws IOException {
    try (Stream<Path> s = Files.list(readings)) {
      return s.toList();
    }
  }

  @Test
  void aSavedReadingOpensWithWhatItRanOn() throws Exception {
    SubmitScripts.Result r = bench("env", "--save");
    assertThat(r.exit()).as(r.output()).isZero();
    List<Path> files = saved();
    assertThat(files).hasSize(1);
    assertThat(files.get(0).getFileName().toString())
        .matches("env-\\d{8}T\\d{6}Z-.+-f\\d+m\\d+\\.txt");
    String text = Files.readString(files.get(0));
    assertThat(text.lines().toList())
        .startsWith("# submit/bench env")
        .anyMatch(l -> l.startsWith("# commit: "))
        .anyMatch(l -> l.startsWith("# cpu: ") && l.contains(" family "))
        .anyMatch(l -> l.startsWith("# jvm: "))
        .anyMatch(l -> l.startsWith("# blas: float32 gemm: oneDNN "))
        .anyMatch(l -> l.startsWith("blas: float32 gemm: oneDNN "));
  }

  @Test
  void aFailedBenchmarkSavesNothing() throws Exception {
    SubmitScripts.Result r = bench("train", "--set", "model.d_model=-3", "--save");
    assertThat(r.exit()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("d_model");
    assertThat(saved()).isEmpty();
  }
}
