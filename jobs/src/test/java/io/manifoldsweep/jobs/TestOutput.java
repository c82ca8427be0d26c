package io.manifoldsweep.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Where the jobs' progress lines go in tests that do not read them. */
public final class TestOutput {
  private TestOutput() {}

  public static PrintStream discarded() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
