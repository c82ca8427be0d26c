package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.sweep.SweepFolder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Sends Spark's and Hadoop's warnings and every stack trace, while a command works on a results
 * folder, to {@code DIR/_logs/<command>-<time>.log} instead of the console, which keeps this
 * project's own lines without their traces: a failed task costs the console a line, not a wall of
 * executor traces. A folder that is not local (HDFS, S3A) or cannot take the log gets it in the
 * temporary folder. {@code --verbose} leaves logging as it is; so does a logging configuration
 * without these properties (log4j2.properties holds them).
 *
 * <p>The log stays on after the command, until the JVM exits or the next command starts its own:
 * Spark's threads outlive a command (a YARN application's monitor, RPCs to an application master
 * already gone) and log as the JVM exits, after the command said what happened.
 */
final class CommandLog implements AutoCloseable {
  private static final String FILE = "manifoldsweep.log.file";
  private static final String FILE_LEVEL = "manifoldsweep.file.level";
  private static final String CONSOLE_LEVEL = "manifoldsweep.console.level";
  private static final String CONSOLE_THROWABLE = "manifoldsweep.console.throwable";

  private final Optional<Path> file;

  private CommandLog(Optional<Path> file) {
    this.file = file;
  }

  /**
   * Starts logging to a file of {@code dir}'s, unless the command runs with {@code --verbose};
   * {@link #close} names the file when anything went there.
   */
  static CommandLog start(SparkOptions options, String dir, String command) {
    if (options.verbose) {
      return new CommandLog(Optional.empty());
    }
    String name =
        command
            + "-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + ".log";
    Path file = logFolder(dir).resolve(name);
    System.setProperty(FILE, file.toString());
    System.setProperty(FILE_LEVEL, "warn");
    System.setProperty(CONSOLE_LEVEL, "off");
    System.setProperty(CONSOLE_THROWABLE, "%ex{none}");
    reconfigure();
    return new CommandLog(Optional.of(file));
  }

  @Override
  public void close() {
    file.filter(Files::exists)
        .ifPresent(f -> System.err.println("warnings and stack traces: " + f));
  }

  private static Path logFolder(String dir) {
    try {
      URI uri = URI.create(dir.replace(" ", "%20"));
      if (uri.getScheme() == null || uri.getScheme().equals("file")) {
        Path local =
            (uri.getScheme() == null ? Path.of(dir) : Path.of(uri)).resolve(SweepFolder.LOGS);
        Files.createDirectories(local);
        if (Files.isWritable(local)) {
          return local;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // a folder that cannot take the log (a file, read-only, full) still gets a sweep's errors
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "manifold-sweep-" + SweepFolder.LOGS);
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      // log4j reports a file it cannot open once, on the console; the command goes on
    }
    return tmp;
  }

  private static void reconfigure() {
    if (LogManager.getContext(false) instanceof LoggerContext ctx) {
      ctx.reconfigure();
    }
  }
}
