package io.manifoldsweep.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit/bench ... --save}: a reading becomes a file that says what it was read on. */
class BenchSaveIT {
  private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path readings;

  private record Result(int exit, String output) {}

  private Result bench(String... args) throws Exception {
    List<String> cmd = Stream.concat(Stream.of("submit/bench"), Stream.of(args)).toList();
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true);
    pb.environment().put("MS_BENCH_DIR", readings.toString());
    pb.environment().put("MS_JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(out).isTrue();
    return new Result(p.exitValue(), out);
  }

  private List<Path> saved() throws IOException {
    try (Stream<Path> s = Files.list(readings)) {
      return s.toList();
    }
  }

  @Test
  void aSavedReadingOpensWithWhatItRanOn() throws Exception {
    Result r = bench("env", "--save");
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
    Result r = bench("train", "--set", "model.d_model=-3", "--save");
    assertThat(r.exit()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("d_model");
    assertThat(saved()).isEmpty();
  }
}
