package io.manifoldsweep.jobs.cli;

import java.io.PrintStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Spark's text table of a result, on a stream of the caller's choosing. */
final class TableOutput {
  private TableOutput() {}

  /**
   * {@code Dataset.show} can only print to System.out, so it is pointed at {@code out} meanwhile.
   */
  static void show(Dataset<Row> df, int rows, PrintStream out) {
    PrintStream old = System.out;
    System.setOut(out);
    try {
      df.show(rows, false);
    } finally {
      System.setOut(old);
    }
  }
}
