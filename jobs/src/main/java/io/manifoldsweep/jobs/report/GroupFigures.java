package io.manifoldsweep.jobs.report;

import io.manifoldsweep.analysis.RandomWalkNull;
import io.manifoldsweep.analysis.Spectrum;
import io.manifoldsweep.jobs.table.Tables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of one seed group (cells that differ only in their seeds). Each method runs one small
 * aggregate query on the views and draws one chart; the caption names the group's config.
 */
final class GroupFigures {
  private final SparkSession spark;
  private final String group;
  private final String prefix;
  private final String config;
  private final Path dir;
  private final List<Figure> figures = new ArrayList<>();

  GroupFigures(SparkSession spark, String group, String prefix, String config, Path dir) {
    this.spark = spark;
    this.group = group;
    this.prefix = prefix;
    this.config = config;
    this.dir = dir;
  }

  List<Figure> render(List<String> views) throws IOException {
    spectra();
    r90Bars();
    timeline();
    projections();
    if (views.contains(Tables.COMMUTATORS)) {
      defect();
    }
    if (views.contains(Tables.COMMUTATOR_ALIGNMENT)) {
      commutatorRatio();
    }
    if (views.contains(Tables.GROKKING)
        && !sql("SELECT 1 FROM grokking WHERE cell_id IN " + cellsOfGroup()).isEmpty()) {
      splitAccuracy();
    } else {
      attention();
      accuracy();
    }
    if (views.contains(Tables.ALIGNMENT)) {
      alignmentHeatMaps();
    }
    if (views.contains(Tables.SAE)) {
      new SaeFigures(this).render(views);
    }
    return figures;
  }

  List<Row> sql(String query) {
    return spark.sql(query.replace("$GROUP", "'" + group + "'")).collectAsList();
  }

  private String cellsOfGroup() {
    return "(SELECT DISTINCT cell_id FROM dimensions WHERE group_key = $GROUP)";
  }

  void add(
      org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String name, String title, String what)
      throws IOException {
    String file = prefix + "-" + name + ".png";
    Charts.save(chart, dir, file);
    figures.add(new Figure(file, title, what + " " + config));
  }

  private static String seedLabel(Row r, int initCol, int dataCol) {
    return "init " + r.getLong(initCol) + ", data " + r.getLong(dataCol);
  }

  private void spectra() throws IOException {
    List<Row> rows =
        sql("SELECT block, evr FROM dimensions WHERE group_key = $GROUP ORDER BY block");
    Map<String, double[]> sum = new LinkedHashMap<>();
    Map<String, Integer> count = new LinkedHashMap<>();
    int n = 0;
    for (Row r : rows) {
      double[] evr = Charts.doubles(r.getList(1));
      n = evr.length;
      double[] acc = sum.computeIfAbsent(r.getString(0), b -> new double[evr.length]);
      for (int i = 0; i < Math.min(acc.length, evr.length); i++) {
        acc[i] += evr[i];
      }
      count.merge(r.getString(0), 1, Integer::sum);
    }
    XYChart c =
        Charts.xy(
            "Explained variance spectrum per block (mean over seeds)",
            "principal component",
            "explained variance ratio (log)");
    c.getStyler().setYAxisLogarithmic(true);
    for (Map.Entry<String, double[]> e : sum.entrySet()) {
      double[] mean = e.getValue();
      for (int i = 0; i < mean.length; i++) {
        mean[i] /= count.get(e.getKey());
      }
      addPositive(c, e.getKey(), mean);
    }
    Spectrum walk = RandomWalkNull.spectrum(n);
    double[] nullEvr = walk.explainedVarianceRatio();
    int positive = positiveCount(nullEvr);
    Charts.reference(
        c, "random-walk null", index(positive), java.util.Arrays.copyOf(nullEvr, positive));
    add(
        c,
        "spectra",
        "Explained-variance spectra",
        "Mean explained-variance ratio of each block's trajectory ("
            + n
            + " snapshots), log scale, against an isotropic Gaussian random walk with as many snapshots (dashed).");
  }

  private static int positiveCount(double[] xs) {
    int k = 0;
    while (k < xs.length && xs[k] > 0) {
      k++;
    }
    return k;
  }

  private static double[] index(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  private static void addPositive(XYChart c, String name, double[] ys) {
    int k = positiveCount(ys);
    if (k > 0) {
      Charts.line(c, name, index(k), java.util.Arrays.copyOf(ys, k));
    }
  }

  private void r90Bars() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT split(block, '[.]')[0] AS layer, split(block, '[.]')[1] AS matrix, avg(r90), coalesce(stddev(r90), 0), max(null_r90)
        FROM dimensions WHERE group_key = $GROUP AND block <> 'all' GROUP BY 1, 2 ORDER BY 1, 2""");
    Map<String, List<Object[]>> byMatrix = new LinkedHashMap<>();
    List<String> layers = new ArrayList<>();
    int nullR90 = 0;
    for (Row r : rows) {
      if (!layers.contains(r.getString(0))) {
        layers.add(r.getString(0));
      }
      byMatrix
          .computeIfAbsent(r.getString(1), m -> new ArrayList<>())
          .add(new Object[] {r.getDouble(2), r.getDouble(3)});
      nullR90 = r.getInt(4);
    }
    CategoryChart c =
        Charts.category(
            "r90 per layer and matrix (mean +- std over seeds)",
            "layer",
            "r90 (components for 90% variance)");
    for (String m : List.of("wq", "wk", "wv", "wo")) {
      List<Object[]> v = byMatrix.get(m);
      if (v != null) {
        c.addSeries(
            m,
            layers,
            v.stream().map(x -> (Number) x[0]).toList(),
            v.stream().map(x -> (Number) x[1]).toList());
      }
    }
    int fixedNull = nullR90;
    c.addSeries("random-walk null", layers, layers.stream().map(l -> (Number) fixedNull).toList());
    add(
        c,
        "r90",
        "r90 per layer x matrix",
        "r90 of each attention matrix's trajectory, error bars one standard deviation over seeds; "
            + "the last bar of each layer is the r90 of a random walk with as many snapshots ("
            + nullR90
            + ").");
  }

  private void timeline() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT t.cell_id, t.step, t.r90, r.init_seed, r.data_seed FROM dimension_timeline t JOIN runs r ON t.cell_id = r.cell_id
        WHERE t.block = 'all' AND t.cell_id IN """
                + cellsOfGroup()
                + " ORDER BY t.cell_id, t.step");
    List<Row> collapse =
        sql(
            "SELECT avg(collapse_step), min(r90), max(r90) FROM dimensions WHERE group_key = $GROUP AND block = 'all'");
    XYChart c =
        Charts.xy(
            "Expanding-window r90 of the whole attention trajectory",
            "training step",
            "r90 of snapshots so far");
    seriesPerCell(c, rows, 1, 2, 3, 4);
    Row col = collapse.get(0);
    double maxR90 = 0;
    for (Row r : rows) {
      maxR90 = Math.max(maxR90, r.getInt(2));
    }
    if (!col.isNullAt(0)) {
      Charts.reference(
          c,
          "mean collapse step",
          new double[] {col.getDouble(0), col.getDouble(0)},
          new double[] {0, maxR90 + 1});
    }
    add(
        c,
        "timeline",
        "Expanding-window r90 and collapse step",
        "r90 of the first t snapshots of all attention blocks together, one line per seed; "
            + "dashed: mean collapse step (after it r90 stays within 1 of its final value).");
  }

  /** One line per cell from rows sorted by cell: x and y columns, seed columns for the legend. */
  private static void seriesPerCell(
      XYChart c, List<Row> rows, int xCol, int yCol, int initCol, int dataCol) {
    String cell = null;
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    String label = null;
    for (Row r : rows) {
      if (!r.getString(0).equals(cell)) {
        if (cell != null) {
          Charts.line(c, label, Charts.doubles(xs), Charts.doubles(ys));
        }
        cell = r.getString(0);
        label = seedLabel(r, initCol, dataCol);
        xs.clear();
        ys.clear();
      }
      xs.add(((Number) r.get(xCol)).doubleValue());
      ys.add(((Number) r.get(yCol)).doubleValue());
    }
    if (cell != null) {
      Charts.line(c, label, Charts.doubles(xs), Charts.doubles(ys));
    }
  }

  private void projections() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT p.cell_id, p.pcs[0], p.pcs[1], r.init_seed, r.data_seed FROM projections p JOIN runs r ON p.cell_id = r.cell_id
        WHERE p.block = 'all' AND size(p.pcs) >= 2 AND p.cell_id IN """
                + cellsOfGroup()
                + " ORDER BY p.cell_id, p.step");
    XYChart c =
        Charts.xy("Trajectories on their own PC1-PC2 plane", "PC1 coordinate", "PC2 coordinate");
    seriesPerCell(c, rows, 1, 2, 3, 4);
    c.getSeriesMap().values().forEach(s -> s.setMarker(SeriesMarkers.CIRCLE));
    add(
        c,
        "pc12",
        "Trajectories projected on PC1-PC2",
        "Each seed's whole-attention trajectory projected on its own first two principal "
            + "components (centred), one point per snapshot.");
  }

  private void defect() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT c.cell_id, c.step, c.defect_median, r.init_seed, r.data_seed FROM commutators c JOIN runs r ON c.cell_id = r.cell_id
        WHERE c.defect_median > 0 AND c.cell_id IN """
                + cellsOfGroup()
                + " ORDER BY c.cell_id, c.step");
    XYChart c =
        Charts.xy(
            "SGD commutator defect (median over batch pairs)",
            "training step",
            "defect |delta| / (|eta gA| |eta gB|) (log)");
    c.getStyler().setYAxisLogarithmic(true);
    seriesPerCell(c, rows, 1, 2, 3, 4);
    add(
        c,
        "defect",
        "Commutator defect over training",
        "Median defect of the K commutator samples at each probe step, one line per seed.");
  }

  private void commutatorRatio() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT basis, step, avg(ratio_live), avg(ratio_attention) FROM commutator_alignment
        WHERE cell_id IN """
                + cellsOfGroup()
                + " GROUP BY basis, step ORDER BY basis, step");
    XYChart c =
        Charts.xy(
            "Commutator alignment: execution subspace vs random subspaces",
            "training step",
            "rho_exec / rho_random");
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (Row r : rows) {
      series
          .computeIfAbsent(r.getString(0) + " vs random (all live coords)", k -> new ArrayList<>())
          .add(new double[] {r.getLong(1), r.getDouble(2)});
      series
          .computeIfAbsent(r.getString(0) + " vs random (attention coords)", k -> new ArrayList<>())
          .add(new double[] {r.getLong(1), r.getDouble(3)});
    }
    double minX = Double.MAX_VALUE;
    double maxX = 0;
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
      Charts.line(c, e.getKey(), x, y);
      minX = Math.min(minX, x[0]);
      maxX = Math.max(maxX, x[x.length - 1]);
    }
    if (!series.isEmpty()) {
      Charts.reference(
          c, "random baseline (ratio 1)", new double[] {minX, maxX}, new double[] {1, 1});
    }
    add(
        c,
        "commutator-ratio",
        "Exec/random commutator ratio",
        "rho_exec over the mean rho of 10 random K-dimensional bases, drawn over all live "
            + "coordinates and over attention coordinates only; causal basis from snapshots up to the step, post-hoc from the whole run; mean over seeds.");
  }

  private void attention() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT a.m, m.step, avg(a.entropy), avg(a.marker_mass) FROM metrics m LATERAL VIEW inline(m.attention) a
        WHERE a.layer = (SELECT max(layer) FROM (SELECT a2.layer FROM metrics LATERAL VIEW inline(attention) a2))
        AND m.cell_id IN """
                + cellsOfGroup()
                + " GROUP BY a.m, m.step ORDER BY a.m, m.step");
    XYChart entropy =
        Charts.xy(
            "Readout attention entropy, last layer",
            "training step",
            "entropy of the last position's attention (nats)");
    XYChart marker =
        Charts.xy(
            "Readout attention on markers, last layer",
            "training step",
            "attention mass on marker positions");
    Map<Integer, List<double[]>> byM = new LinkedHashMap<>();
    for (Row r : rows) {
      byM.computeIfAbsent(r.getInt(0), m -> new ArrayList<>())
          .add(new double[] {r.getLong(1), r.getDouble(2), r.getDouble(3)});
    }
    for (Map.Entry<Integer, List<double[]>> e : byM.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      Charts.line(
          entropy, "m = " + e.getKey(), x, e.getValue().stream().mapToDouble(p -> p[1]).toArray());
      Charts.line(
          marker, "m = " + e.getKey(), x, e.getValue().stream().mapToDouble(p -> p[2]).toArray());
    }
    String what = "Probe batches with m markers; mean over heads and seeds.";
    add(entropy, "attention-entropy", "Attention entropy per m", what);
    add(marker, "attention-marker", "Attention marker mass per m", what);
  }

  private void alignmentHeatMaps() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT varied, block, posexplode(cosines) FROM alignment WHERE group_key = $GROUP""");
    if (rows.isEmpty()) {
      return;
    }
    Map<String, Map<String, Map<Integer, double[]>>> acc = new LinkedHashMap<>();
    for (Row r : rows) {
      acc.computeIfAbsent(r.getString(0), v -> new java.util.TreeMap<>())
          .computeIfAbsent(r.getString(1), b -> new java.util.TreeMap<>())
          .merge(
              r.getInt(2),
              new double[] {r.getDouble(3), 1},
              (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    }
    for (Map.Entry<String, Map<String, Map<Integer, double[]>>> v : acc.entrySet()) {
      List<String> blocks = new ArrayList<>(v.getValue().keySet());
      List<Integer> angles = new ArrayList<>(v.getValue().get(blocks.get(0)).keySet());
      List<Number[]> cells = new ArrayList<>();
      for (int b = 0; b < blocks.size(); b++) {
        for (int a = 0; a < angles.size(); a++) {
          double[] s = v.getValue().get(blocks.get(b)).get(angles.get(a));
          cells.add(new Number[] {a, b, s == null ? 0 : Math.round(s[0] / s[1] * 100) / 100.0});
        }
      }
      HeatMapChart h =
          Charts.heatMap(
              "Cross-seed principal cosines (" + v.getKey() + " varied)",
              "principal angle",
              "block");
      h.addSeries("cosine", angles.stream().map(i -> "angle " + (i + 1)).toList(), blocks, cells);
      add(
          h,
          "cosines-" + v.getKey(),
          "Cross-seed principal cosines, " + v.getKey() + " varied",
          "Cosines of the principal angles between the top-k PC subspaces of two runs, mean over pairs that differ in "
              + v.getKey()
              + "; a random pair of subspaces gives cos^2 about k/p.");
    }
  }

  /**
   * A modular group: train and test accuracy per seed, with the mean onset of the defect's rise and
   * the mean grok step (method 9.5) marked; the defect figure is beside it.
   */
  private void splitAccuracy() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT m.cell_id, m.step, m.train_acc, m.test_acc, r.init_seed, r.data_seed FROM metrics m JOIN runs r ON m.cell_id = r.cell_id
        WHERE m.test_acc IS NOT NULL AND m.cell_id IN """
                + cellsOfGroup()
                + " ORDER BY m.cell_id, m.step");
    XYChart c = Charts.xy("Train and test accuracy (whole splits)", "training step", "accuracy");
    String cell = null;
    List<double[]> points = new ArrayList<>();
    String label = null;
    for (int i = 0; i <= rows.size(); i++) {
      Row r = i < rows.size() ? rows.get(i) : null;
      if (r == null || !r.getString(0).equals(cell)) {
        if (cell != null) {
          double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
          Charts.line(c, "train, " + label, x, points.stream().mapToDouble(p -> p[1]).toArray())
              .setLineStyle(new java.awt.BasicStroke(1f, 0, 0, 10f, new float[] {2f, 3f}, 0f));
          Charts.line(c, "test, " + label, x, points.stream().mapToDouble(p -> p[2]).toArray());
        }
        if (r == null) {
          break;
        }
        cell = r.getString(0);
        label = seedLabel(r, 4, 5);
        points.clear();
      }
      points.add(new double[] {r.getLong(1), r.getDouble(2), r.getDouble(3)});
    }
    Row marks =
        sql("SELECT avg(onset_step), avg(grok_step_90) FROM grokking WHERE cell_id IN "
                + cellsOfGroup())
            .get(0);
    if (!marks.isNullAt(0)) {
      Charts.reference(
          c,
          "mean defect onset",
          new double[] {marks.getDouble(0), marks.getDouble(0)},
          new double[] {0, 1});
    }
    if (!marks.isNullAt(1)) {
      Charts.reference(
              c,
              "mean grok step (test 90%)",
              new double[] {marks.getDouble(1), marks.getDouble(1)},
              new double[] {0, 1})
          .setLineColor(java.awt.Color.RED);
    }
    add(
        c,
        "split-accuracy",
        "Train and test accuracy, defect onset and grok step",
        "Accuracy on the whole train split (dotted) and test split (solid), one pair per seed; dashed: the mean"
            + " step at which the commutator defect rose (onset) and the mean first step at 90% test accuracy.");
  }

  private void accuracy() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT m.cell_id, m.step, m.eval_acc, r.init_seed, r.data_seed FROM metrics m JOIN runs r ON m.cell_id = r.cell_id
        WHERE m.eval_acc IS NOT NULL AND m.cell_id IN """
                + cellsOfGroup()
                + " ORDER BY m.cell_id, m.step");
    XYChart c =
        Charts.xy("Eval accuracy (fixed held-out sets, all m pooled)", "training step", "accuracy");
    seriesPerCell(c, rows, 1, 2, 3, 4);
    add(
        c,
        "accuracy",
        "Eval accuracy",
        "Accuracy on the fixed eval sets, pooled over marker counts, one line per seed.");
  }
}
