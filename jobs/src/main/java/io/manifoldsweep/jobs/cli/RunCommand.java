package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.report.ReportJob;
import io.manifoldsweep.jobs.sweep.SweepHooks;
import io.manifoldsweep.jobs.sweep.SweepJob;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.sweep.CellSpec;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.sweep.SweepSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run CONFIG}: sweep, analyze and report in one Spark session. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Sweep (resuming), analyze and report in one go; prints where the tables and the report are.")
public final class RunCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin SaeOptions saeOptions;
  @Mixin KnobOptions knobs;

  @Parameters(
      index = "0",
      paramLabel = "CONFIG",
      description = "Sweep YAML (default conf/quick.yaml).",
      defaultValue = "conf/quick.yaml")
  Path config;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Results folder (default results/<sweep name>).")
  String out;

  @Option(
      names = "--k",
      defaultValue = "3",
      description = "Principal components per block (default ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--max-cells",
      defaultValue = "10000",
      description = "Refuse grids of more cells than this (default ${DEFAULT-VALUE}).")
  long maxCells;

  private final PrintStream stdout;

  public RunCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws Exception {
    SweepSpec spec = SweepCommand.readSpec(config, maxCells);
    List<CellSpec> cells = spec.cells();
    sparkOptions.checkCellsFit(cells);
    var sae = saeOptions.resolve(spec, knobs);
    String dir = out != null ? out : Path.of("results", spec.name()).toAbsolutePath().toString();
    try (CommandLog log = CommandLog.start(sparkOptions, dir, "run")) {
      return run(spec, cells, sae, dir);
    }
  }

  private int run(SweepSpec spec, List<CellSpec> cells, Optional<SaeSettings> sae, String dir)
      throws Exception {
    SparkSession spark = sparkOptions.session("manifold-sweep " + spec.name());
    try (Interrupts interrupts = Interrupts.install(spark, System.err)) {
      SweepJob.Outcome sweep;
      Path report;
      try {
        sweep = new SweepJob(spark, stdout, 10_000).run(spec, cells, dir, SweepHooks.NONE);
        new AnalyzeJob(spark, stdout).run(dir, k, sae, knobs.grokking(spec.grokking().toTree()));
        report = new ReportJob(spark, stdout).run(dir);
      } catch (Exception e) {
        // a cancelled job surfaces as a SparkException, which Java does not see as thrown here
        if (interrupts.fired()) {
          return SweepCommand.interrupted(interrupts, "submit/run " + config + " --out " + dir);
        }
        throw e;
      }
      stdout.printf(
          "%n[%s] %d cells: %d ok, %d diverged, %d failed, %d already finished%n",
          spec.name(),
          cells.size(),
          sweep.count("ok"),
          sweep.count("diverged"),
          sweep.count("failed"),
          sweep.skipped());
      stdout.printf(
          "tables:  %s/{%s}%n", dir, String.join(",", ResultViews.register(spark, dir).views()));
      stdout.printf("summary: submit/query %s --summary%n", dir);
      stdout.printf(
          "SQL:     submit/query %s \"SELECT block, avg(r90), avg(pc1), avg(null_pc1) FROM dimensions GROUP BY block\"%n",
          dir);
      stdout.printf("report:  %s%n", report);
      return sweep.count("failed") > 0 ? 1 : 0;
    } finally {
      spark.stop();
    }
  }
}
