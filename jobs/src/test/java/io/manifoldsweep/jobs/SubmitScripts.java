package io.manifoldsweep.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The submit/ scripts in processes of their own, started from the project's folder as a user starts
 * them, with the environment a test gives; each command's output goes to a log in {@code logs}.
 */
public final class SubmitScripts {
  public static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

  /** A finished command. */
  public record Result(int exit, String output) {}

  private final Path logs;
  private final Map<String, String> env;
  private final long timeoutSeconds;

  public SubmitScripts(Path logs, Map<String, String> env, long timeoutSeconds) {
    this.logs = logs;
    this.env = Map.copyOf(env);
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Starts {@code command} (a path under the project, then its arguments), output to {@code log}.
   */
  public Process start(Path log, String... command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(command));
    cmd.set(0, PROJECT.resolve(cmd.get(0)).toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(PROJECT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * The CSV answer of {@code submit/query DIR SQL} without the JVM's warning lines; fails the test
   * when the query fails.
   */
  public String query(String dir, String sql) throws Exception {
    Result q = run("submit/query", dir, sql, "--format", "csv");
    if (q.exit() != 0) {
      throw new AssertionError("submit/query " + dir + " \"" + sql + "\" failed:\n" + q.output());
    }
    return q.output()
        .lines()
        .filter(l -> !l.startsWith("WARNING"))
        .reduce("", (a, b) -> a + b + "\n");
  }

  /** Runs {@code command} to its end; fails the test when it outlasts the timeout. */
  public Result run(String... command) throws Exception {
    Path log = Files.createTempFile(logs, "cmd", ".log");
    Process p = start(log, command);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " did not finish in "
              + timeoutSeconds
              + " s:\n"
              + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
