package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.analyze.AnalyzeJob;
import io.manifoldsweep.jobs.sweep.SweepFolder;
import io.manifoldsweep.jobs.table.FolderCheck;
import io.manifoldsweep.sweep.GrokkingSettings;
import io.manifoldsweep.sweep.SaeSettings;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code analyze DIR}: the analysis tables of a results folder; re-running replaces them. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description =
        "Compute manifold dimensions, cross-seed alignment, commutator alignment, saturation and the sparse-autoencoder"
            + " analysis for every ok cell in DIR; re-running replaces the analysis tables.")
public final class AnalyzeCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin SaeOptions saeOptions;
  @Mixin KnobOptions knobs;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "Results folder written by sweep (any Hadoop URI).")
  String dir;

  @Option(
      names = "--k",
      defaultValue = "3",
      description =
          "Principal components per block for bases and alignment (default ${DEFAULT-VALUE}).")
  int k;

  private final PrintStream out;

  public AnalyzeCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    var sae = saeOptions.resolve(dir, knobs);
    try (CommandLog log = CommandLog.start(sparkOptions, dir, "analyze")) {
      return analyze(sae);
    }
  }

  private int analyze(Optional<SaeSettings> sae) throws Exception {
    SparkSession spark = sparkOptions.session("manifold-sweep analyze");
    try (Interrupts interrupts = Interrupts.install(spark, System.err)) {
      AnalyzeJob.Outcome outcome;
      try {
        outcome =
            new AnalyzeJob(spark, out)
                .run(
                    dir,
                    k,
                    sae,
                    knobs.grokking(SweepFolder.storedSection(dir, GrokkingSettings.KNOBS)));
      } catch (Exception e) {
        // a cancelled job surfaces as a SparkException, which Java does not see as thrown here
        if (interrupts.fired()) {
          return SweepCommand.interrupted(interrupts, "submit/analyze " + dir);
        }
        throw e;
      }
      out.printf("summary: submit/query %s --summary%n", dir);
      if (!outcome.damaged().isEmpty()) {
        System.err.printf(
            "error: %d cell%s left unanalysed because a file is damaged (%s); the others are"
                + " analysed. Move the damaged cells aside with submit/verify %s --repair and"
                + " sweep again%n",
            outcome.damaged().size(),
            outcome.damaged().size() == 1 ? " was" : "s were",
            String.join(
                "; ", outcome.damaged().stream().map(FolderCheck.Damaged::describe).toList()),
            dir);
        return 1;
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
