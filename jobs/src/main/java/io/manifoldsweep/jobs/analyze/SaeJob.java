package io.manifoldsweep.jobs.analyze;

import io.manifoldsweep.analysis.sae.ManifoldAblation;
import io.manifoldsweep.analysis.sae.SaeAnalysis;
import io.manifoldsweep.jobs.table.CellTables;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.kernel.NativePlatform;
import io.manifoldsweep.knob.CanonicalJson;
import io.manifoldsweep.model.ParamLayout;
import io.manifoldsweep.sweep.SaeSettings;
import io.manifoldsweep.task.TaskKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The SAE analysis of a results folder (method section 8): one Spark task per (cell, checkpoint,
 * layer) trains that hook's SAEs of every width and k and runs their ablations, and one task per
 * cell runs the weight-space manifold ablation at all its checkpoints. Cells without checkpoints
 * are named and skipped. The four tables replace the previous ones by the same swap as every
 * analysis table.
 */
final class SaeJob {
  /**
   * One task: a (cell, checkpoint, layer), or with {@code layer = MANIFOLD} the cell's manifold
   * ablation.
   */
  record Work(AnalyzeJob.Cell cell, long[] steps, int layer) implements Serializable {
    String cellId() {
      return cell.cellId();
    }

    String groupKey() {
      return cell.groupKey();
    }
  }

  /** The rows a task gives each table. */
  record Result(List<Row> saes, List<Row> latents, List<Row> ablations, List<Row> manifold)
      implements Serializable {}

  static final int MANIFOLD = -1;
  private static final long PROGRESS_MS = 30_000;

  private final SparkSession spark;
  private final PrintStream out;

  SaeJob(SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.out = out;
  }

  /** Plans, runs and writes the SAE tables; returns how many SAEs were trained. */
  long run(
      Path root,
      List<AnalyzeJob.Cell> cells,
      SaeSettings settings,
      AnalyzeJob.TableWriter writer,
      List<String> views) {
    Map<String, List<Long>> steps = new HashMap<>();
    if (views.contains(Tables.CHECKPOINTS)) {
      for (Row r :
          spark
              .sql("SELECT cell_id, step FROM " + Tables.CHECKPOINTS + " ORDER BY cell_id, step")
              .collectAsList()) {
        steps.computeIfAbsent(r.getString(0), c -> new ArrayList<>()).add(r.getLong(1));
      }
    }
    List<Work> work = new ArrayList<>();
    List<String> without = new ArrayList<>();
    for (AnalyzeJob.Cell cell : cells) {
      List<Long> s = steps.get(cell.cellId());
      // the latents' associations are with the marker task's variables (method section 8)
      if (s == null || s.isEmpty() || cell.config().task().kind() != TaskKind.MARKER) {
        without.add(cell.cellId());
        continue;
      }
      settings.validateFor(cell.config().model(), "cell " + cell.cellId());
      long[] all = s.stream().mapToLong(Long::longValue).toArray();
      for (long step : all) {
        for (int layer : settings.layersOf(cell.config().model())) {
          work.add(new Work(cell, new long[] {step}, layer));
        }
      }
      work.add(new Work(cell, all, MANIFOLD));
    }
    if (!without.isEmpty()) {
      out.printf(
          "%d of %d cells have no checkpoints and get no SAE rows (written before record.checkpoints existed, with"
              + " record.checkpoints: [], or of the modular task, which the SAE analysis does not cover): %s%n",
          without.size(), cells.size(), String.join(", ", without));
    }
    if (work.isEmpty()) {
      Tables.SAE_ANALYSIS.forEach(writer::remove);
      out.println("no cell has checkpoints: no SAE tables written");
      return 0;
    }
    long saes =
        work.stream().filter(w -> w.layer() != MANIFOLD).count()
            * settings.widths().size()
            * settings.ks().size();
    out.printf(
        "SAE analysis: %d SAEs (%d checkpoint-layer hooks x %d widths x %d k) and %d manifold ablations%n",
        saes,
        work.stream().filter(w -> w.layer() != MANIFOLD).count(),
        settings.widths().size(),
        settings.ks().size(),
        work.stream().filter(w -> w.layer() == MANIFOLD).count());
    Map<String, String> conf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> conf.put(e.getKey(), e.getValue()));
    String rootUri = root.toString();
    String settingsJson = CanonicalJson.of(settings.toTree());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Result> results =
        jsc.parallelize(work, work.size())
            .map(
                w -> {
                  Configuration c = new Configuration(false);
                  conf.forEach(c::set);
                  return compute(
                      w, settings, settingsJson, new CellTables(c, new Path(rootUri), w.cellId()));
                })
            .persist(StorageLevel.MEMORY_AND_DISK());
    // the first table's write computes every task; the others read the persisted results
    try (TaskProgress progress =
        new TaskProgress(spark.sparkContext(), "SAE analysis", work.size(), out, PROGRESS_MS)) {
      writer.write(Tables.SAE, results.flatMap(r -> r.saes().iterator()), SaeTables.SAE_SCHEMA);
    }
    writer.write(
        Tables.SAE_LATENTS, results.flatMap(r -> r.latents().iterator()), SaeTables.LATENTS_SCHEMA);
    writer.write(
        Tables.SAE_ABLATIONS,
        results.flatMap(r -> r.ablations().iterator()),
        SaeTables.ABLATIONS_SCHEMA);
    writer.write(
        Tables.MANIFOLD_ABLATION,
        results.flatMap(r -> r.manifold().iterator()),
        SaeTables.MANIFOLD_SCHEMA);
    results.unpersist();
    return saes;
  }

  static Result compute(Work w, SaeSettings settings, String settingsJson, CellTables tables)
      throws IOException {
    // runs on an executor, whose platform may not be the driver's
    NativePlatform.require();
    AnalyzeJob.Cell cell = w.cell();
    int markersMin = cell.config().task().markersMin();
    List<Long> steps = java.util.Arrays.stream(w.steps()).boxed().toList();
    Map<Long, float[]> checkpoints = tables.checkpoints(steps);
    if (w.layer() == MANIFOLD) {
      List<Row> rows = new ArrayList<>();
      for (SaeAnalysis.ManifoldRow r :
          SaeAnalysis.manifold(
              cell.config(),
              w.cellId(),
              checkpoints,
              blockDirections(cell, tables, steps),
              settings)) {
        rows.add(SaeTables.manifold(w.cellId(), w.groupKey(), markersMin, r));
      }
      return new Result(List.of(), List.of(), List.of(), rows);
    }
    long step = w.steps()[0];
    SaeAnalysis.LayerResult r =
        SaeAnalysis.layer(
            cell.config(), w.cellId(), step, checkpoints.get(step), w.layer(), settings);
    List<Row> saes = new ArrayList<>();
    List<Row> latents = new ArrayList<>();
    List<Row> ablations = new ArrayList<>();
    r.saes().forEach(s -> saes.add(SaeTables.sae(w.cellId(), w.groupKey(), s, settingsJson)));
    r.latents().forEach(l -> latents.add(SaeTables.latent(w.cellId(), w.groupKey(), l)));
    r.ablations()
        .forEach(a -> ablations.add(SaeTables.ablation(w.cellId(), w.groupKey(), markersMin, a)));
    return new Result(saes, latents, ablations, List.of());
  }

  /**
   * Each block's step-0 weights and top directions up to every checkpoint, one block's trajectory
   * in memory at a time.
   */
  private static Map<String, ManifoldAblation.BlockDirections> blockDirections(
      AnalyzeJob.Cell cell, CellTables tables, List<Long> steps) throws IOException {
    Map<String, CellTables.BlockTrajectory> blocks = tables.snapshots();
    Map<String, ManifoldAblation.BlockDirections> out = new LinkedHashMap<>();
    for (String block : ParamLayout.of(cell.config().model()).blockNames()) {
      CellTables.BlockTrajectory t = blocks.get(block);
      if (t == null) {
        throw new IOException("cell " + cell.cellId() + " has no snapshots of block " + block);
      }
      out.put(
          block,
          ManifoldAblation.BlockDirections.of(
              t.steps(), t.widened(), steps, 2 * SaeAnalysis.MANIFOLD_MAX_K));
      blocks.put(block, null);
    }
    return out;
  }
}
