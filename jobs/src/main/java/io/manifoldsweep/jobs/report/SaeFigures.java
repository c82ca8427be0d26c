package io.manifoldsweep.jobs.report;

import io.manifoldsweep.analysis.sae.ActivationSet.Variable;
import io.manifoldsweep.jobs.table.Tables;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sparse-autoencoder figures of one seed group (method section 8): SAE quality per layer and
 * checkpoint, what the latents encode, latent ablations against matched random latents, and the
 * weight-space manifold ablation. Means over seeds, error bars one standard deviation.
 */
final class SaeFigures {
  private final GroupFigures group;

  SaeFigures(GroupFigures group) {
    this.group = group;
  }

  void render(List<String> views) throws IOException {
    quality("fve", "fraction of variance explained", "FVE");
    quality("ce_score", "CE score (1 = splicing loses nothing)", "CE score");
    quality("l0", "active latents per row", "L0");
    associations();
    if (views.contains(Tables.SAE_ABLATIONS)) {
      ablations();
    }
    if (views.contains(Tables.MANIFOLD_ABLATION)) {
      manifold();
    }
  }

  private void quality(String column, String axis, String name) throws IOException {
    List<Row> rows =
        group.sql(
            "SELECT step, k, width, layer, avg("
                + column
                + "), coalesce(stddev("
                + column
                + "), 0) FROM sae"
                + " WHERE group_key = $GROUP GROUP BY step, k, width, layer ORDER BY step, k, width, layer");
    XYChart c = Charts.xy(name + " per layer and checkpoint", "hooked layer (resid_post)", axis);
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (Row r : rows) {
      series
          .computeIfAbsent(
              "step " + r.getLong(0) + ", k " + r.getInt(1) + ", width " + r.getInt(2),
              s -> new ArrayList<>())
          .add(new double[] {r.getInt(3), r.getDouble(4), r.getDouble(5)});
    }
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
      double[] y = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
      double[] err = e.getValue().stream().mapToDouble(p -> p[2]).toArray();
      c.addSeries(e.getKey(), x, y, err).setMarker(SeriesMarkers.CIRCLE);
    }
    group.add(
        c,
        "sae-" + column.replace('_', '-'),
        "SAE " + name + " per layer and checkpoint",
        name
            + " of the TopK SAEs on each layer's residual stream (resid_post), per checkpoint, k and width; mean over seeds, error bars"
            + " one standard deviation.");
  }

  private void associations() throws IOException {
    List<Row> pick =
        group.sql(
            """
        SELECT l.cell_id, l.step, l.layer, l.k, l.width FROM sae_latents l JOIN runs r ON l.cell_id = r.cell_id
        WHERE l.group_key = $GROUP ORDER BY r.init_seed, r.data_seed, l.step DESC, abs(l.layer - 0.5 * r.layers), l.k DESC, l.width LIMIT 1""");
    if (pick.isEmpty()) {
      return;
    }
    Row p = pick.get(0);
    StringBuilder eta = new StringBuilder();
    for (Variable v : Variable.values()) {
      eta.append(", eta2_").append(v.label());
    }
    List<Row> rows =
        group.sql(
            "SELECT latent, category"
                + eta
                + " FROM sae_latents WHERE cell_id = '"
                + p.getString(0)
                + "' AND step = "
                + p.getLong(1)
                + " AND layer = "
                + p.getInt(2)
                + " AND k = "
                + p.getInt(3)
                + " AND width = "
                + p.getInt(4)
                + " AND category <> 'dead' ORDER BY association DESC, latent LIMIT 24");
    if (rows.isEmpty()) {
      return;
    }
    List<String> variables = new ArrayList<>();
    for (Variable v : Variable.values()) {
      variables.add(v.label());
    }
    List<String> latents = new ArrayList<>();
    List<Number[]> cells = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      latents.add("#" + r.getInt(0) + " " + r.getString(1));
      for (int v = 0; v < variables.size(); v++) {
        cells.add(new Number[] {v, i, Math.round(r.getDouble(2 + v) * 100) / 100.0});
      }
    }
    HeatMapChart h =
        Charts.heatMap(
            "Latents x task variables (correlation ratio eta^2)",
            "task variable",
            "latent (category)");
    h.addSeries("eta^2", variables, latents, cells);
    group.add(
        h,
        "sae-associations",
        "What the latents encode",
        "eta^2 of each latent's activation over the classes of each task variable"
            + " for the 24 most strongly associated alive latents of one SAE (cell "
            + p.getString(0)
            + ", step "
            + p.getLong(1)
            + ", layer "
            + p.getInt(2)
            + ", k "
            + p.getInt(3)
            + ", width "
            + p.getInt(4)
            + "); routing = position, is_marker, is_value or marker_index,"
            + " execution = value, running_result or label.");
  }

  private void ablations() throws IOException {
    List<Row> rows =
        group.sql(
            """
        WITH last AS (SELECT cell_id, max(step) AS step FROM sae_ablations WHERE group_key = $GROUP GROUP BY cell_id),
        sizes AS (SELECT max(n) AS n FROM sae_ablations a JOIN last USING (cell_id, step) WHERE kind = 'execution')
        SELECT kind, pm.m, avg(pm.acc_clean - pm.acc), coalesce(stddev(pm.acc_clean - pm.acc), 0), first(sizes.n)
        FROM sae_ablations a JOIN last USING (cell_id, step) CROSS JOIN sizes LATERAL VIEW inline(a.per_m) pm
        WHERE a.kind IN ('routing', 'execution', 'random') AND a.n = sizes.n AND a.ablation = 'zero'
        GROUP BY kind, pm.m ORDER BY kind, pm.m""");
    if (rows.isEmpty()) {
      return;
    }
    Map<String, List<Object[]>> byKind = new LinkedHashMap<>();
    List<String> ms = new ArrayList<>();
    int n = rows.get(0).getInt(4);
    for (Row r : rows) {
      String m = "m = " + r.getInt(1);
      if (!ms.contains(m)) {
        ms.add(m);
      }
      byKind
          .computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new Object[] {r.getDouble(2), r.getDouble(3)});
    }
    CategoryChart c =
        Charts.category(
            "Accuracy drop when " + n + " latents are zero-ablated (last checkpoint)",
            "marker count",
            "accuracy drop (clean - ablated)");
    for (String kind : List.of("routing", "execution", "random")) {
      List<Object[]> v = byKind.get(kind);
      if (v != null && v.size() == ms.size()) {
        c.addSeries(
            kind,
            ms,
            v.stream().map(x -> (Number) x[0]).toList(),
            v.stream().map(x -> (Number) x[1]).toList());
      }
    }
    group.add(
        c,
        "sae-ablation",
        "Routing vs execution vs matched-random latents",
        "Eval accuracy lost on the ablation examples when the top-"
            + n
            + " routing or execution latents, or "
            + n
            + " random alive latents"
            + " matched in firing frequency to the execution set (10 draws), are zero-ablated with the error term kept; last checkpoint,"
            + " all hooked layers, widths and k pooled; error bars one standard deviation over seeds, layers and draws.");
  }

  private void manifold() throws IOException {
    List<Row> rows =
        group.sql(
            """
        WITH last AS (SELECT cell_id, max(step) AS step FROM manifold_ablation WHERE group_key = $GROUP GROUP BY cell_id)
        SELECT directions, k, avg(acc), coalesce(stddev(acc), 0) FROM manifold_ablation JOIN last USING (cell_id, step)
        WHERE directions <> 'none' GROUP BY directions, k ORDER BY directions, k""");
    List<Row> clean =
        group.sql(
            """
        WITH last AS (SELECT cell_id, max(step) AS step FROM manifold_ablation WHERE group_key = $GROUP GROUP BY cell_id)
        SELECT avg(acc), max(k) FROM manifold_ablation JOIN last USING (cell_id, step)""");
    if (rows.isEmpty()) {
      return;
    }
    XYChart c =
        Charts.xy(
            "Accuracy after moving attention weights back along k directions (last checkpoint)",
            "k (directions per block)",
            "accuracy on the ablation examples");
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    double base = clean.get(0).getDouble(0);
    for (Row r : rows) {
      series
          .computeIfAbsent(r.getString(0), d -> new ArrayList<>(List.of(new double[] {0, base, 0})))
          .add(new double[] {r.getInt(1), r.getDouble(2), r.getDouble(3)});
    }
    for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
      c.addSeries(
              e.getKey() + " directions",
              e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
              e.getValue().stream().mapToDouble(p -> p[1]).toArray(),
              e.getValue().stream().mapToDouble(p -> p[2]).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
    }
    group.add(
        c,
        "manifold-ablation",
        "Manifold ablation in weight space",
        "In every attention block W <- W - sum_j ((W - W_0) . v_j) v_j over the top-k principal directions of the snapshots up to the"
            + " checkpoint (top), the next k (next) or k random orthonormal directions (random, 5 draws); k = 0 is the unablated model;"
            + " mean over seeds, error bars one standard deviation.");
  }
}
