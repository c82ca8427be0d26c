package io.manifoldsweep.jobs.table;

import io.manifoldsweep.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Registers every table of a results folder as a temporary view. A cell's data rows are visible
 * only once its runs row exists, so a half-written cell never shows up in a query; a damaged cell
 * (a file whose size is not what its runs row recorded, an unreadable runs file) is left out of
 * every view, so the others stay readable.
 */
public final class ResultViews {
  private ResultViews() {}

  /**
   * The views a folder gave, and the damaged cells left out of every one of them ({@link
   * FolderCheck}, by size).
   */
  public record Registered(List<String> views, List<FolderCheck.Damaged> damaged) {
    /** One warning naming the damaged cells and the command that repairs them; none if none. */
    public void warnTo(PrintStream err, String dir) {
      if (damaged.isEmpty()) {
        return;
      }
      err.printf(
          "warning: %d damaged cell%s left out of every table (%s); list them with submit/verify %s"
              + " and move them aside with submit/verify %s --repair, and the next sweep trains"
              + " them again%n",
          damaged.size(),
          damaged.size() == 1 ? "" : "s",
          String.join(", ", damaged.stream().limit(5).map(FolderCheck.Damaged::describe).toList())
              + (damaged.size() > 5 ? ", ..." : ""),
          dir,
          dir);
    }
  }

  /** The Parquet files of a table folder, without those of the cells named. */
  private static List<String> files(FileSystem fs, Path folder, Set<String> without)
      throws IOException {
    List<String> files = new ArrayList<>();
    if (!fs.exists(folder)) {
      return files;
    }
    for (var f : fs.listStatus(folder)) {
      String name = f.getPath().getName();
      if (Tables.isDataFile(name)
          && !without.contains(name.substring(0, name.length() - ".parquet".length()))) {
        files.add(f.getPath().toString());
      }
    }
    return files;
  }

  public static Registered register(SparkSession spark, String dir) {
    Path root = new Path(dir);
    List<String> names = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FolderCheck.Report check = FolderCheck.of(fs, root, FolderCheck.Depth.SIZES);
      Set<String> damaged = check.damagedIds();
      List<String> runs = files(fs, new Path(root, Tables.RUNS), damaged);
      if (runs.isEmpty()) {
        throw new ConfigException(
            "DIR",
            dir,
            check.damaged().isEmpty()
                ? "holds no results (no runs table); run submit/sweep first"
                : "holds no undamaged cell; see submit/verify " + dir);
      }
      // runs rows of older versions lack the newer provenance columns: read the union of the
      // schemas
      Dataset<Row> runsDf =
          spark.read().option("mergeSchema", "true").parquet(runs.toArray(String[]::new));
      runsDf.createOrReplaceTempView(Tables.RUNS);
      names.add(Tables.RUNS);
      Dataset<Row> committed = runsDf.select("cell_id");
      for (String t : Tables.CELL_DATA) {
        List<String> parts = files(fs, new Path(root, t), damaged);
        if (!parts.isEmpty()) {
          // cells of older versions lack the newer columns (metrics gained the modular task's)
          spark
              .read()
              .option("mergeSchema", "true")
              .parquet(parts.toArray(String[]::new))
              .join(committed, "cell_id")
              .createOrReplaceTempView(t);
          names.add(t);
        }
      }
      for (String t : Tables.ANALYSIS) {
        List<String> parts = files(fs, new Path(root, t), Set.of());
        if (!parts.isEmpty()) {
          // rows an earlier analysis wrote about cells damaged since
          Dataset<Row> df = spark.read().parquet(new Path(root, t).toString());
          for (String c : List.of("cell_id", "cell_a", "cell_b")) {
            if (!damaged.isEmpty() && List.of(df.columns()).contains(c)) {
              df = df.filter(functions.not(functions.col(c).isin(damaged.toArray())));
            }
          }
          df.createOrReplaceTempView(t);
          names.add(t);
        }
      }
      return new Registered(names, check.damaged());
    } catch (IOException e) {
      throw new ConfigException("DIR", dir, "cannot be read: " + e.getMessage());
    }
  }
}
