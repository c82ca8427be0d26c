package io.manifoldsweep.jobs.cli;

import io.manifoldsweep.jobs.table.ResultViews;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code query DIR "SQL"}: Spark SQL over every table of a results folder. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description =
        "Run Spark SQL over a results folder; every table is a view (runs, snapshots, metrics, commutators, and the analysis tables).")
public final class QueryCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;

  /** Output formats. */
  public enum Format {
    TEXT,
    CSV,
    JSON
  }

  @Parameters(index = "0", paramLabel = "DIR", description = "Results folder (any Hadoop URI).")
  String dir;

  @Parameters(
      index = "1",
      paramLabel = "SQL",
      arity = "0..1",
      description = "The query; omit it to list the tables.")
  String sql;

  @Option(
      names = "--format",
      defaultValue = "TEXT",
      description = "TEXT, CSV or JSON (default ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "Rows shown in TEXT format (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(
      names = "--summary",
      description = "Print the paper-style summary tables instead of running SQL.")
  boolean summary;

  private final PrintStream out;

  public QueryCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("manifold-sweep query");
    try {
      ResultViews.Registered registered = ResultViews.register(spark, dir);
      registered.warnTo(System.err, dir);
      List<String> views = registered.views();
      if (summary) {
        SummaryReport.print(spark, views, out);
        return 0;
      }
      if (sql == null) {
        for (String v : views) {
          out.println(v + ": " + spark.table(v).schema().simpleString());
        }
        return 0;
      }
      print(spark.sql(sql));
      return 0;
    } finally {
      spark.stop();
    }
  }

  private void print(Dataset<Row> df) {
    switch (format) {
      case TEXT -> TableOutput.show(df, limit, out);
      case JSON -> df.toJSON().collectAsList().forEach(out::println);
      case CSV -> {
        out.println(String.join(",", df.columns()));
        for (Row r : df.collectAsList()) {
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < r.length(); i++) {
            line.append(i == 0 ? "" : ",").append(csv(r.get(i)));
          }
          out.println(line);
        }
      }
    }
  }

  private static String csv(Object v) {
    if (v == null) {
      return "";
    }
    String s =
        v instanceof scala.collection.Seq<?> seq ? seq.mkString("[", ";", "]") : String.valueOf(v);
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\""
        : s;
  }
}
