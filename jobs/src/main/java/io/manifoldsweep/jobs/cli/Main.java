package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.bench.AnalyzeBenchmark;
import io.manifoldsweep.jobs.bench.BenchCommand;
import io.manifoldsweep.jobs.bench.BenchEnvironment;
import io.manifoldsweep.jobs.bench.CellBenchmark;
import io.manifoldsweep.jobs.bench.SaeBenchmark;
import io.manifoldsweep.jobs.bench.SweepBenchmark;
import io.manifoldsweep.jobs.bench.TrainBenchmark;
import io.manifoldsweep.jobs.sweep.FolderFault;
import io.manifoldsweep.kernel.NativePlatform;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line behind the {@code submit/} scripts. */
@Command(
    name = "manifold-sweep",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Sweeps of small transformers on marker modular arithmetic and the geometry of their trajectories.")
public final class Main {
  public static void main(String[] args) {
    int status = run(args);
    if (inYarnApplicationMaster()) {
      // YARN's application master runs this method in a thread of its own and reports the
      // application as succeeded when it returns and as failed when it throws; it reports any
      // System.exit, even of 0, as "Shutdown hook called before final status was reported"
      if (status != 0) {
        throw new IllegalStateException(
            "manifold-sweep stopped with exit status "
                + status
                + "; its lines are in this container's stdout and stderr (yarn logs -applicationId "
                + System.getProperty("spark.yarn.app.id")
                + ")");
      }
      return;
    }
    System.exit(status);
  }

  /** Whether this JVM is the driver of a YARN application in cluster deploy mode. */
  static boolean inYarnApplicationMaster() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode"))
        && System.getProperty("spark.yarn.app.id") != null;
  }

  static String rootMessage(Throwable t) {
    String message = String.valueOf(t);
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getClass().getSimpleName() + ": " + c.getMessage();
      }
    }
    return message;
  }

  /**
   * Whether a command line trains or runs the SAE analysis, the parts that load the native
   * libraries. query, report, {@code analyze --skip-sae} and every --help read Parquet and draw
   * only, so they also run on a laptop of another platform, over results copied from a cluster.
   */
  static boolean loadsNatives(String... args) {
    List<String> words = List.of(args);
    if (words.isEmpty()
        || words.contains("--help")
        || words.contains("-h")
        || words.contains("--version")
        || words.contains("-V")) {
      return false;
    }
    return switch (words.get(0)) {
      case "run", "train", "sweep", "bench" -> true;
      case "analyze" -> !words.contains("--skip-sae");
      default -> false;
    };
  }

  public static int run(String... args) {
    Optional<String> unsupported =
        SupportedJava.problem()
            .or(() -> loadsNatives(args) ? NativePlatform.problem() : Optional.empty());
    if (unsupported.isPresent()) {
      System.err.println("error: " + unsupported.get());
      return 1;
    }
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.addSubcommand("run", new RunCommand(System.out));
    cli.addSubcommand("train", new TrainCommand(System.out));
    cli.addSubcommand("sweep", new SweepCommand(System.out));
    cli.addSubcommand("query", new QueryCommand(System.out));
    cli.addSubcommand("analyze", new AnalyzeCommand(System.out));
    cli.addSubcommand("report", new ReportCommand(System.out));
    cli.addSubcommand("knobs", new KnobsCommand(System.out));
    cli.addSubcommand("verify", new VerifyCommand(System.out));
    CommandLine bench = new CommandLine(new BenchCommand());
    bench.addSubcommand("train", new TrainBenchmark(System.out));
    bench.addSubcommand("sweep", new SweepBenchmark(System.out));
    bench.addSubcommand("analyze", new AnalyzeBenchmark(System.out));
    bench.addSubcommand("sae", new SaeBenchmark(System.out));
    bench.addSubcommand("cell", new CellBenchmark(System.out));
    bench.addSubcommand("env", new BenchEnvironment(System.out));
    cli.addSubcommand("bench", bench);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
            commandLine.getErr().println("error: " + ex.getMessage());
            return 2;
          }
          if (ex instanceof FolderFault.Stopped) {
            commandLine.getErr().println("error: " + ex.getMessage());
            return 1;
          }
          // a failed Spark job wraps the executor's exception several times; its innermost message
          // is the one that names the file or cell
          String root = rootMessage(ex);
          if (root.contains("Cannot call methods on a stopped SparkContext")) {
            // the context died under the command: on a standalone cluster, a master that refused it
            root =
                "Spark stopped before the command could use it. "
                    + SparkSessions.refused(
                            System.getProperty("spark.master", "the master"),
                            System.getProperty("spark.authenticate.secret") != null)
                        .getMessage();
          }
          commandLine.getErr().println("error: " + root);
          if (System.getenv("MS_DEBUG") != null) {
            ex.printStackTrace(commandLine.getErr());
          } else {
            commandLine.getErr().println("(set MS_DEBUG=1 for the stack trace)");
          }
          return 1;
        });
    return cli.execute(args);
  }
}
