package io.manifoldsweep.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seed's losses do not depend on how far the JIT has got nor on which JDK runs them: the kernels'
 * Vector API code gives the same bits interpreted and compiled, on this JDK and on every other one
 * installed beside it. A reduction whose order the JIT chooses broke exactly that on JDK 25 while
 * JDK 17 stayed exact, so each installed JDK is asked.
 */
class StepBitsAcrossJvmsTest {
  private static final int WARMUP = 3000;
  private static List<String> compiledHere;

  @BeforeAll
  static void trainHereAfterTheJitHasCompiled() {
    compiledHere = StepBits.losses(WARMUP);
    assertThat(compiledHere).hasSize(2 * StepBits.STEPS).doesNotHaveDuplicates();
  }

  @Test
  void interpretedStepsGiveTheCompiledBits() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    assertThat(childLosses(java, "-Xint", 0)).isEqualTo(compiledHere);
  }

  @Test
  void everyOtherInstalledJdkGivesTheseBits() throws IOException, InterruptedException {
    List<Path> others = otherJdks();
    assumeThat(others).as("other JDKs beside " + System.getProperty("java.home")).isNotEmpty();
    for (Path java : others) {
      assertThat(childLosses(java, "-Xmixed", WARMUP)).as(java.toString()).isEqualTo(compiledHere);
    }
  }

  /**
   * JDKs 17 and later in the folder that holds this one (/usr/lib/jvm on Debian), by their release
   * file.
   */
  private static List<Path> otherJdks() throws IOException {
    Path home = Path.of(System.getProperty("java.home")).toRealPath();
    List<Path> found = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(home.getParent())) {
      for (Path dir : dirs.map(StepBitsAcrossJvmsTest::realPath).distinct().toList()) {
        Path java = dir.resolve("bin").resolve("java");
        if (!dir.equals(home)
            && Files.isExecutable(java)
            && featureVersion(dir.resolve("release")) >= 17) {
          found.add(java);
        }
      }
    }
    return found;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  private static int featureVersion(Path release) throws IOException {
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
      if (line.startsWith("JAVA_VERSION=")) {
        String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
        return Integer.parseInt(v.split("[.+-]")[0]);
      }
    }
    return 0;
  }

  private static List<String> childLosses(Path java, String mode, int warmup)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of(java.toString(), "--add-modules=jdk.incubator.vector", mode));
    // the vector width sets which lanes each partial sum holds, so the child gets this JVM's
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:MaxVectorSize") || a.startsWith("-XX:UseAVX"))
        .forEach(cmd::add);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            StepBits.class.getName(),
            Integer.toString(warmup)));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out.lines().filter(l -> l.startsWith("0x") || l.startsWith("-0x")).toList();
  }
}
