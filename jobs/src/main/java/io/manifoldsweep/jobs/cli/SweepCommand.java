package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.sweep.SweepHooks;
import io.manifoldsweep.jobs.sweep.SweepJob;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweep CONFIG [--out DIR] [--master URL]}: trains every cell not yet in DIR. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description =
        "Train every cell of a sweep that DIR does not hold yet; running it again resumes.")
public final class SweepCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "Sweep YAML (see conf/).")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Results folder, any Hadoop URI (default results/<sweep name>).")
  String out;

  @Option(
      names = "--progress-seconds",
      defaultValue = "10",
      description = "Seconds between progress lines (default ${DEFAULT-VALUE}).")
  long progressSeconds;

  @Option(
      names = "--max-cells",
      defaultValue = "10000",
      description = "Refuse grids of more cells than this (default ${DEFAULT-VALUE}).")
  long maxCells;

  private final PrintStream stdout;

  public SweepCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    SweepSpec spec = readSpec(config, maxCells);
    List<CellSpec> cells = spec.cells();
    sparkOptions.checkCellsFit(cells);
    String dir = out != null ? out : Path.of("results", spec.name()).toAbsolutePath().toString();
    try (CommandLog log = CommandLog.start(sparkOptions, dir, "sweep")) {
      return sweep(spec, cells, dir);
    }
  }

  private int sweep(SweepSpec spec, List<CellSpec> cells, String dir) throws Exception {
    SparkSession spark = sparkOptions.session("manifold-sweep " + spec.name());
    try (Interrupts interrupts = Interrupts.install(spark, System.err)) {
      SweepJob.Outcome outcome;
      try {
        outcome =
            new SweepJob(spark, stdout, progressSeconds * 1000)
                .run(spec, cells, dir, SweepHooks.NONE);
      } catch (Exception e) {
        // a cancelled job surfaces as a SparkException, which Java does not see as thrown here
        if (interrupts.fired()) {
          return interrupted(interrupts, "submit/sweep " + config + " --out " + dir);
        }
        throw e;
      }
      stdout.printf(
          "[%s] done: %d ok, %d diverged, %d failed, %d skipped (already finished)%n",
          spec.name(),
          outcome.count("ok"),
          outcome.count("diverged"),
          outcome.count("failed"),
          outcome.skipped());
      stdout.printf(
          "tables (Parquet) under %s: %s, %s%n",
          dir, Tables.RUNS, String.join(", ", Tables.CELL_DATA));
      stdout.printf(
          "query them: submit/query %s \"SELECT modulus, status, count(*), avg(eval_acc) FROM runs GROUP BY 1, 2\"%n",
          dir);
      return outcome.count("failed") > 0 ? 1 : 0;
    } finally {
      spark.stop();
    }
  }

  /** What an interrupted command prints on its way out, and its exit code. */
  static int interrupted(Interrupts interrupts, String again) {
    System.err.println(
        interrupts.signalName()
            + ": stopped; every committed cell is kept and the folder's lease is released.");
    System.err.println(
        "Resume with: " + again + "  (unfinished cells continue from their last resume point)");
    return interrupts.exitCode();
  }

  static SweepSpec readSpec(Path file, long maxCells) throws IOException {
    String text;
    try {
      if (Files.size(file) > 1 << 20) {
        throw new ConfigException(
            "CONFIG",
            file,
            "is " + Files.size(file) + " bytes; a sweep file is text of at most 1 MiB");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("CONFIG", file, "no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException("CONFIG", file, "is not UTF-8 text (a binary file?)");
    }
    if (maxCells < 1) {
      throw new ConfigException("--max-cells", maxCells, "must be at least 1");
    }
    return SweepSpec.parse(text, file.toString(), maxCells);
  }
}
