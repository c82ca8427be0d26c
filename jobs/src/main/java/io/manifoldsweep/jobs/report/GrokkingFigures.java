package io.manifoldsweep.jobs.report;

import io.manifoldsweep.jobs.table.Tables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep-wide figures of method 9.5: the defect's lead against the grok step (log-log, with the
 * power-law fit), and the grok step against the intervention strength per basis, target and scope,
 * runs that never grokked marked at their last step.
 */
final class GrokkingFigures {
  private final SparkSession spark;
  private final Path dir;
  private final List<Figure> figures = new ArrayList<>();

  GrokkingFigures(SparkSession spark, Path dir) {
    this.spark = spark;
    this.dir = dir;
  }

  List<Figure> render(List<String> views) throws IOException {
    if (views.contains(Tables.GROKKING)) {
      lead();
      interventions();
    }
    return figures;
  }

  private List<Row> sql(String query) {
    return spark.sql(query).collectAsList();
  }

  private void lead() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT operation, grok_step_90, lead FROM grokking
        WHERE intervention_kind = 'none' AND lead > 0 ORDER BY operation""");
    if (rows.isEmpty()) {
      return;
    }
    XYChart c =
        Charts.xy(
            "Defect onset's lead over generalisation",
            "grok step (test 90%, log)",
            "lead (steps, log)");
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisLogarithmic(true);
    Map<String, List<double[]>> byOperation = new LinkedHashMap<>();
    for (Row r : rows) {
      byOperation
          .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new double[] {r.getLong(1), r.getLong(2)});
    }
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Map.Entry<String, List<double[]>> e : byOperation.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      XYSeries s =
          c.addSeries(e.getKey(), x, e.getValue().stream().mapToDouble(p -> p[1]).toArray());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      for (double v : x) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    Row fit =
        sql("SELECT alpha, log_intercept, r2, n, sign_test_p FROM lead_scaling WHERE scope = 'all'")
            .get(0);
    String what = "One point per run without intervention whose lead is positive.";
    if (!fit.isNullAt(0) && hi > lo) {
      double a = fit.getDouble(0);
      double b = fit.getDouble(1);
      Charts.reference(
          c,
          String.format(
              java.util.Locale.ROOT,
              "fit: lead = %.3g grok^%.2f (R^2 %.2f)",
              Math.exp(b),
              a,
              fit.getDouble(2)),
          new double[] {lo, hi},
          new double[] {Math.exp(b) * Math.pow(lo, a), Math.exp(b) * Math.pow(hi, a)});
      what +=
          String.format(
              java.util.Locale.ROOT,
              " Dashed: least squares of log(lead) on log(grok step) over %d runs, alpha %.2f; sign test of positive leads p = %.3g.",
              fit.getInt(3),
              a,
              fit.getDouble(4));
    }
    add(c, "lead-scaling", "Lead against grok step", what);
  }

  private void interventions() throws IOException {
    List<Row> rows =
        sql(
            """
        SELECT concat_ws(', ', r.intervention_basis, r.intervention_target, r.intervention_scope), r.intervention_strength,
               g.grok_step_90, g.steps_done, g.grokked
        FROM grokking g JOIN runs r ON g.cell_id = r.cell_id
        WHERE g.intervention_kind = 'project' ORDER BY 1, 2""");
    if (rows.isEmpty()) {
      return;
    }
    List<Row> baseline =
        sql(
            """
        SELECT grok_step_90, steps_done, grokked FROM grokking WHERE intervention_kind = 'none'""");
    XYChart c =
        Charts.xy(
            "Grok step against projection strength",
            "strength s",
            "grok step (test 90%); triangles: never, at the last step");
    Map<String, List<double[]>> grokked = new LinkedHashMap<>();
    Map<String, List<double[]>> never = new LinkedHashMap<>();
    for (Row r : rows) {
      boolean g = r.getBoolean(4);
      (g ? grokked : never)
          .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new double[] {r.getDouble(1), g ? r.getLong(2) : r.getLong(3)});
    }
    for (Row b : baseline) {
      (b.getBoolean(2) ? grokked : never)
          .computeIfAbsent("no intervention (s = 0)", k -> new ArrayList<>())
          .add(new double[] {0, b.getBoolean(2) ? b.getLong(0) : b.getLong(1)});
    }
    scatter(c, grokked, "", SeriesMarkers.CIRCLE);
    scatter(c, never, "never: ", SeriesMarkers.TRIANGLE_UP);
    add(
        c,
        "intervention-strength",
        "Grok step against intervention strength",
        "Projections P_s on the gradient or the update, on every parameter or the attention matrices, with the"
            + " reference run's trajectory PCs or random directions as B; one point per run, triangles for runs"
            + " that never reached 90% test accuracy (drawn at their last step, the cap).");
  }

  private static void scatter(
      XYChart c,
      Map<String, List<double[]>> series,
      String prefix,
      org.knowm.xchart.style.markers.Marker marker) {
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      XYSeries s =
          c.addSeries(
              prefix + e.getKey(),
              e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
              e.getValue().stream().mapToDouble(p -> p[1]).toArray());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(marker);
    }
  }

  private void add(XYChart chart, String name, String title, String what) throws IOException {
    String file = "sweep-" + name + ".png";
    Charts.save(chart, dir, file);
    figures.add(new Figure(file, title, what));
  }
}
