package io.manifoldsweep.jobs.table;

import io.manifoldsweep.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Registers every table of a results folder as a temporary view. A cell's data rows are visible
 * only once its runs row exists, so a half-written cell never shows up in a query.
 */
public final class ResultViews {
  private ResultViews() {}

  /** A table folder Spark can infer a schema from: at least one Parquet file that is not hidden. */
  private static boolean holdsParquet(FileSystem fs, Path p) throws IOException {
    if (!fs.exists(p)) {
      return false;
    }
    for (var f : fs.listStatus(p)) {
      String name = f.getPath().getName();
      if (Tables.isDataFile(name)) {
        return true;
      }
    }
    return false;
  }

  public static List<String> register(SparkSession spark, String dir) {
    Path root = new Path(dir);
    List<String> names = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path runs = new Path(root, Tables.RUNS);
      if (!fs.exists(runs) || fs.listStatus(runs).length == 0) {
        throw new ConfigException(
            "DIR", dir, "holds no results (no runs table); run submit/sweep first");
      }
      // runs rows of older versions lack the newer provenance columns: read the union of the
      // schemas
      Dataset<Row> runsDf = spark.read().option("mergeSchema", "true").parquet(runs.toString());
      runsDf.createOrReplaceTempView(Tables.RUNS);
      names.add(Tables.RUNS);
      Dataset<Row> committed = runsDf.select("cell_id");
      for (String t : Tables.CELL_DATA) {
        Path p = new Path(root, t);
        if (holdsParquet(fs, p)) {
          // cells of older versions lack the newer columns (metrics gained the modular task's)
          spark
              .read()
              .option("mergeSchema", "true")
              .parquet(p.toString())
              .join(committed, "cell_id")
              .createOrReplaceTempView(t);
          names.add(t);
        }
      }
      for (String t : Tables.ANALYSIS) {
        Path p = new Path(root, t);
        if (holdsParquet(fs, p)) {
          spark.read().parquet(p.toString()).createOrReplaceTempView(t);
          names.add(t);
        }
      }
      return names;
    } catch (IOException e) {
      throw new ConfigException("DIR", dir, "cannot be read: " + e.getMessage());
    }
  }
}
