package io.manifoldsweep.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' scratch folders, which hold what a benchmark wrote and go when it ends. */
final class BenchFolders {
  private BenchFolders() {}

  /** Deletes {@code dir} and everything under it, deepest first. */
  static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
