package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.report.ReportJob;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code report DIR}: writes DIR/report/index.html with its figures. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Write DIR/report/index.html and its PNG figures (needs submit/analyze first).")
public final class ReportCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "Analysed results folder on the local file system.")
  String dir;

  private final PrintStream out;

  public ReportCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    SparkSession spark = sparkOptions.session("manifold-sweep report");
    try {
      new ReportJob(spark, out).run(dir);
      return 0;
    } finally {
      spark.stop();
    }
  }
}
