package io.manifoldsweep.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Fixtures shared by the Spark tests: the tiny sweep and copies of result folders. */
public final class TestFiles {
  private TestFiles() {}

  /** The text of {@code tiny.yaml}: 2 moduli x 2 init seeds of seconds-long cells. */
  public static String tinyYaml() {
    try (InputStream in = TestFiles.class.getResourceAsStream("/tiny.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the files under {@code from} whose relative path {@code keep} accepts. */
  public static Path copyTree(Path from, Path to, Predicate<Path> keep) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path rel = from.relativize(p);
        if (!keep.test(rel)) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}
