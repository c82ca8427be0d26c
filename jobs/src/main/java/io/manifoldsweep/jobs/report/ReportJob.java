package io.manifoldsweep.jobs.report;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.jobs.table.Tables;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes {@code DIR/report/index.html} with its PNG figures beside it: self-contained, no scripts,
 * no network. One section per seed group (cells that differ only in their seeds).
 */
public final class ReportJob {
  /** Groups drawn in full; a larger sweep is summarised by its first groups and says so. */
  static final int MAX_GROUPS = 12;

  private final SparkSession spark;
  private final PrintStream out;

  public ReportJob(SparkSession spark, PrintStream out) {
    this.spark = spark;
    this.out = out;
  }

  public Path run(String dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<String> views = ResultViews.register(spark, dir);
    if (!views.contains(Tables.DIMENSIONS)) {
      throw new ConfigException(
          "DIR", dir, "has no analysis tables; run submit/analyze " + dir + " first");
    }
    Path folder = Path.of(new org.apache.hadoop.fs.Path(dir).toUri().getPath()).resolve("report");
    Path staging = folder.resolveSibling("_report_tmp");
    deleteTree(staging);
    Files.createDirectories(staging);
    List<Row> groups =
        spark
            .sql(
                """
        SELECT d.group_key, first(r.sweep), first(r.modulus), first(r.markers_min), first(r.markers_max), first(r.layers),
               first(r.d_model), first(r.heads), first(r.optimizer), first(r.lr), first(r.batch_size), first(r.steps),
               count(DISTINCT d.cell_id), first(r.operation), first(r.sampling), first(r.schedule)
        FROM dimensions d JOIN runs r ON d.cell_id = r.cell_id GROUP BY d.group_key ORDER BY 3, 4, 5, 1""")
            .collectAsList();
    StringBuilder html = new StringBuilder();
    html.append(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>manifold-sweep report: ")
        .append(escape(groups.get(0).getString(1)))
        .append(
            "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;}"
                + "figure{margin:2em 0;}img{max-width:100%;border:1px solid #ddd;}figcaption{color:#333;font-size:0.9em;}</style></head><body>\n")
        .append("<h1>manifold-sweep report: ")
        .append(escape(groups.get(0).getString(1)))
        .append("</h1>\n")
        .append("<p>")
        .append(groups.size())
        .append(" seed group(s) from ")
        .append(escape(dir))
        .append(".</p>\n");
    int figures = 0;
    for (int g = 0; g < Math.min(groups.size(), MAX_GROUPS); g++) {
      Row r = groups.get(g);
      String config =
          String.format(
              "[sweep %s; %s, modulus %d, markers %d-%d, %s, %s sampling; %d layers, d_model %d, %d heads; %s lr %s, batch %d, %d steps; %d seeds]",
              r.getString(1),
              r.getString(13),
              r.getInt(2),
              r.getInt(3),
              r.getInt(4),
              r.getString(15),
              r.getString(14),
              r.getInt(5),
              r.getInt(6),
              r.getInt(7),
              r.getString(8),
              r.getDouble(9),
              r.getInt(10),
              r.getInt(11),
              r.getLong(12));
      html.append("<h2>Group ")
          .append(g + 1)
          .append(": modulus ")
          .append(r.getInt(2))
          .append(", markers ")
          .append(r.getInt(3))
          .append("-")
          .append(r.getInt(4))
          .append(" (")
          .append(r.getLong(12))
          .append(" seeds)</h2>\n<p>")
          .append(escape(config))
          .append("</p>\n");
      for (Figure f :
          new GroupFigures(spark, r.getString(0), "g" + (g + 1), config, staging).render(views)) {
        html.append("<figure><h3>")
            .append(escape(f.title()))
            .append("</h3><img src=\"")
            .append(f.file())
            .append("\" alt=\"")
            .append(escape(f.title()))
            .append("\"><figcaption>")
            .append(escape(f.caption()))
            .append("</figcaption></figure>\n");
        figures++;
      }
    }
    if (groups.size() > MAX_GROUPS) {
      html.append("<p>")
          .append(groups.size() - MAX_GROUPS)
          .append(" more groups are in the tables; query them with submit/query.</p>\n");
    }
    html.append("</body></html>\n");
    Files.writeString(staging.resolve("index.html"), html.toString(), StandardCharsets.UTF_8);
    deleteTree(folder);
    Files.move(staging, folder);
    out.printf("report: %s (%d figures)%n", folder.resolve("index.html"), figures);
    return folder.resolve("index.html");
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      List<Path> all = new ArrayList<>(walk.toList());
      java.util.Collections.reverse(all);
      for (Path q : all) {
        Files.delete(q);
      }
    }
  }
}
