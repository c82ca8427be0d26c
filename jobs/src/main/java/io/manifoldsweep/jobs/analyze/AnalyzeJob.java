package io.manifoldsweep.jobs.analyze;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.analysis.PrincipalAngles;
import io.manifoldsweep.jobs.sweep.SweepFolder;
import io.manifoldsweep.jobs.table.FolderCheck;
import io.manifoldsweep.jobs.table.FolderLease;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.sweep.GrokkingSettings;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.train.CellConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Computes the analysis tables of a results folder. Per-run work is one Spark task per cell (linear
 * in runs); cross-seed alignment compares every pair inside a group of cells that differ only in
 * their seeds (quadratic in the group's size only); the SAE analysis is one task per (cell,
 * checkpoint, layer) and one per cell ({@link SaeJob}). Re-running replaces every analysis table;
 * each is written beside the old one and swapped in by rename, so a failed run leaves the previous
 * tables intact.
 */
public final class AnalyzeJob {
  /** What an analysis run covered. */
  /**
   * What an analysis did; {@code damaged}: cells it could not analyse because a file is damaged.
   */
  public record Outcome(
      int analysed,
      Map<String, String> skipped,
      long pairs,
      long saes,
      List<FolderCheck.Damaged> damaged) {}

  private final SparkSession spark;
  private final PrintStream out;

  public AnalyzeJob(SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.out = out;
  }

  /**
   * One committed cell as the runs table stores it: its id, seed group and config, read once on the
   * driver and sent to the executors as they are.
   */
  record Cell(String cellId, String groupKey, CellConfig config) implements Serializable {}

  /**
   * Writes the analysis tables of {@code dir}: the manifold metrics of every ok cell with {@code k}
   * components per block, and with {@code sae} present the SAE tables of every cell that recorded
   * checkpoints, with the grokking thresholds the folder was made with.
   */
  public Outcome run(String dir, int k, Optional<SaeSettings> sae) {
    return run(
        dir,
        k,
        sae,
        GrokkingSettings.fromTree(SweepFolder.storedSection(dir, GrokkingSettings.KNOBS)));
  }

  /**
   * As {@link #run(String, int, Optional)}, and the grokking tables of modular cells with {@code
   * grokking}.
   */
  public Outcome run(String dir, int k, Optional<SaeSettings> sae, GrokkingSettings grokking) {
    if (k < 1) {
      throw new ConfigException("--k", k, "must be at least 1");
    }
    ResultViews.Registered registered = ResultViews.register(spark, dir);
    registered.warnTo(out, dir);
    List<String> views = registered.views();
    Path leaseRoot = new Path(dir);
    FileSystem fs;
    try {
      fs = leaseRoot.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new ConfigException("DIR", dir, "cannot be read: " + e.getMessage());
    }
    try (FolderLease lease = FolderLease.acquire(fs, leaseRoot, "analyze", out)) {
      Outcome o = analyse(dir, k, sae, grokking, views);
      return new Outcome(o.analysed(), o.skipped(), o.pairs(), o.saes(), registered.damaged());
    }
  }

  private Outcome analyse(
      String dir, int k, Optional<SaeSettings> sae, GrokkingSettings grokking, List<String> views) {
    List<Cell> cells = new ArrayList<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    // group_key is a runs column since the knob declarations; older rows get it from their config
    boolean stored = List.of(spark.table(Tables.RUNS).columns()).contains("group_key");
    String groupKey = stored ? "group_key" : "CAST(NULL AS STRING)";
    for (Row r :
        spark
            .sql("SELECT cell_id, status, config_json, " + groupKey + " FROM runs ORDER BY cell_id")
            .collectAsList()) {
      if ("ok".equals(r.getString(1))) {
        CellConfig config = CellConfig.fromJson(r.getString(2));
        cells.add(
            new Cell(r.getString(0), r.isNullAt(3) ? config.groupKey() : r.getString(3), config));
      } else {
        skipped.put(r.getString(0), r.getString(1));
      }
    }
    skipped.forEach((id, status) -> out.printf("skipping cell %s: status %s%n", id, status));
    sae.ifPresent(s -> cells.forEach(c -> s.validateFor(c.config().model(), "cell " + c.cellId())));
    if (cells.isEmpty()) {
      throw new ConfigException("DIR", dir, "holds no cell with status ok to analyse");
    }
    out.printf("analysing %d cells (k=%d) in %s%n", cells.size(), k, dir);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Map<String, String> conf = new HashMap<>();
    hadoop.forEach(e -> conf.put(e.getKey(), e.getValue()));
    Path root = new Path(dir);
    String rootUri = root.toString();

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    jsc.setJobGroup("analyze", "analyze " + cells.size() + " cells of " + dir, true);
    try {
      JavaRDD<CellAnalysis.Result> results =
          jsc.parallelize(cells, cells.size())
              .map(
                  p -> {
                    Configuration c = new Configuration(false);
                    conf.forEach(c::set);
                    return CellAnalysis.run(p, c, new Path(rootUri), k, grokking);
                  })
              .persist(StorageLevel.MEMORY_AND_DISK());
      TableWriter writer = new TableWriter(spark, root);
      writer.write(
          Tables.DIMENSIONS,
          results.flatMap(r -> r.dimensions().iterator()),
          AnalysisTables.DIMENSIONS_SCHEMA);
      writer.write(
          Tables.TIMELINE,
          results.flatMap(r -> r.timeline().iterator()),
          AnalysisTables.TIMELINE_SCHEMA);
      writer.write(
          Tables.COMMUTATOR_ALIGNMENT,
          results.flatMap(r -> r.commutatorAlignment().iterator()),
          AnalysisTables.COMMUTATOR_ALIGNMENT_SCHEMA);
      writer.write(
          Tables.SATURATION,
          results.flatMap(r -> r.saturation().iterator()),
          AnalysisTables.SATURATION_SCHEMA);
      writer.write(
          Tables.BASES, results.flatMap(r -> r.bases().iterator()), AnalysisTables.BASES_SCHEMA);
      writer.write(
          Tables.PROJECTIONS,
          results.flatMap(r -> r.projections().iterator()),
          AnalysisTables.PROJECTIONS_SCHEMA);
      List<Row> grokRows = results.flatMap(r -> r.grokking().iterator()).collect();
      results.unpersist();
      long pairs = alignment(writer, cells, k);
      if (grokRows.isEmpty()) {
        Tables.GROKKING_ANALYSIS.forEach(writer::remove);
      } else {
        writer.write(
            Tables.GROKKING, spark.createDataFrame(grokRows, GrokkingTables.GROKKING_SCHEMA));
        writer.write(
            Tables.LEAD_SCALING,
            spark.createDataFrame(
                GrokkingTables.leadScaling(grokRows, grokking),
                GrokkingTables.LEAD_SCALING_SCHEMA));
        out.printf(
            "wrote %s under %s (%d modular cells)%n",
            String.join(", ", Tables.GROKKING_ANALYSIS), dir, grokRows.size());
      }
      out.printf(
          "wrote dimensions, dimension_timeline, alignment, commutator_alignment, saturation, bases, projections under %s"
              + " (%d seed pairs)%n",
          dir, pairs);
      long saes = 0;
      if (sae.isPresent()) {
        saes = new SaeJob(spark, out).run(root, cells, sae.get(), writer, views);
        if (saes > 0) {
          out.printf(
              "wrote %s under %s (%d SAEs)%n", String.join(", ", Tables.SAE_ANALYSIS), dir, saes);
        }
      }
      ResultViews.register(spark, dir);
      return new Outcome(cells.size(), skipped, pairs, saes, List.of());
    } finally {
      jsc.clearJobGroup();
    }
  }

  /** Every pair of cells inside each seed group, block by block, from the stored top-k bases. */
  private long alignment(TableWriter writer, List<Cell> cells, int k) {
    Map<String, List<Cell>> groups = new LinkedHashMap<>();
    for (Cell c : cells) {
      groups.computeIfAbsent(c.groupKey(), g -> new ArrayList<>()).add(c);
    }
    List<Row> pairs = new ArrayList<>();
    for (Map.Entry<String, List<Cell>> g : groups.entrySet()) {
      List<Cell> members = g.getValue();
      for (int i = 0; i < members.size(); i++) {
        for (int j = i + 1; j < members.size(); j++) {
          Cell a = members.get(i);
          Cell b = members.get(j);
          boolean init = a.config().train().initSeed() != b.config().train().initSeed();
          boolean data = a.config().train().dataSeed() != b.config().train().dataSeed();
          String varied = init && data ? "both" : init ? "init_seed" : "data_seed";
          pairs.add(RowFactory.create(g.getKey(), a.cellId(), b.cellId(), varied));
        }
      }
    }
    StructType pairSchema =
        new StructType()
            .add("group_key", "string")
            .add("cell_a", "string")
            .add("cell_b", "string")
            .add("varied", "string");
    Dataset<Row> pairDf = spark.createDataFrame(pairs, pairSchema);
    Dataset<Row> bases = spark.read().parquet(writer.path(Tables.BASES).toString());
    Dataset<Row> a =
        bases.selectExpr("cell_id AS cell_a", "block", "p", "vectors AS va", "k AS ka");
    Dataset<Row> b =
        bases.selectExpr("cell_id AS cell_b", "block AS block_b", "vectors AS vb", "k AS kb");
    Dataset<Row> joined =
        pairDf
            .join(a, "cell_a")
            .join(
                b,
                pairDf
                    .col("cell_b")
                    .equalTo(b.col("cell_b"))
                    .and(a.col("block").equalTo(b.col("block_b"))))
            .select(
                pairDf.col("group_key"),
                a.col("block"),
                pairDf.col("cell_a"),
                pairDf.col("cell_b"),
                pairDf.col("varied"),
                a.col("p"),
                a.col("ka"),
                a.col("va"),
                b.col("kb"),
                b.col("vb"));
    Dataset<Row> alignment =
        joined.map(
            (org.apache.spark.api.java.function.MapFunction<Row, Row>)
                r -> {
                  int p = r.getInt(5);
                  double[][] qa = unflatten(r.getList(7), r.getInt(6), p);
                  double[][] qb = unflatten(r.getList(9), r.getInt(8), p);
                  double[] cos = PrincipalAngles.cosines(qa, qb);
                  return RowFactory.create(
                      r.getString(0),
                      r.getString(1),
                      r.getString(2),
                      r.getString(3),
                      r.getString(4),
                      k,
                      cos,
                      PrincipalAngles.meanSquare(cos),
                      PrincipalAngles.randomMeanSquare(k, p));
                },
            Encoders.row(AnalysisTables.ALIGNMENT_SCHEMA));
    writer.write(Tables.ALIGNMENT, alignment);
    return pairs.size();
  }

  /** Rows of a stored basis ({@code vectors}, k x p row-major). */
  static double[][] unflatten(List<Float> flat, int k, int p) {
    double[][] out = new double[k][p];
    for (int i = 0; i < k; i++) {
      for (int c = 0; c < p; c++) {
        out[i][c] = flat.get(i * p + c);
      }
    }
    return out;
  }

  /** Writes a table beside the old one, then swaps it in by rename. */
  static final class TableWriter {
    private final SparkSession spark;
    private final Path root;
    private final FileSystem fs;

    TableWriter(SparkSession spark, Path root) {
      this.spark = spark;
      this.root = root;
      try {
        this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Path path(String table) {
      return new Path(root, table);
    }

    void write(String table, JavaRDD<Row> rows, StructType schema) {
      write(table, spark.createDataFrame(rows, schema));
    }

    /** Removes a table that the current analysis does not produce, so no stale rows remain. */
    void remove(String table) {
      try {
        fs.delete(path(table), true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove table " + table + " in " + root, e);
      }
    }

    void write(String table, Dataset<Row> df) {
      Path tmp = new Path(root, "_analysis_" + table);
      Path old = new Path(root, "_old_" + table);
      df.write().mode("overwrite").option("compression", "zstd").parquet(tmp.toString());
      try {
        fs.delete(old, true);
        if (fs.exists(path(table)) && !fs.rename(path(table), old)) {
          throw new IOException("cannot move " + path(table) + " aside");
        }
        if (!fs.rename(tmp, path(table))) {
          throw new IOException("cannot rename " + tmp + " to " + path(table));
        }
        fs.delete(old, true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot replace table " + table + " in " + root, e);
      }
    }
  }
}
