package io.manifoldsweep.jobs.report;

import io.manifoldsweep.ConfigException;
import io.manifoldsweep.intervene.InterventionSpec;
import io.manifoldsweep.jobs.table.ResultViews;
import io.manifoldsweep.jobs.table.Tables;
import io.manifoldsweep.model.ModelSpec;
import io.manifoldsweep.task.TaskKind;
import io.manifoldsweep.task.TaskSpec;
import io.manifoldsweep.train.CellConfig;
import io.manifoldsweep.train.TrainSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
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
    ResultViews.Registered registered = ResultViews.register(spark, dir);
    registered.warnTo(out, dir);
    List<String> views = registered.views();
    if (!views.contains(Tables.DIMENSIONS)) {
      throw new ConfigException(
          "DIR", dir, "has no analysis tables; run submit/analyze " + dir + " first");
    }
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dir);
    String scheme = remote.toUri().getScheme();
    boolean local = scheme == null || scheme.equals("file");
    // the figures are drawn on local disk; a report of a remote folder (HDFS, S3A) is copied there
    Path folder =
        local
            ? Path.of(remote.toUri().getPath()).resolve("report")
            : Files.createTempDirectory("manifold-sweep-report").resolve("report");
    Path staging = folder.resolveSibling("_report_tmp");
    deleteTree(staging);
    Files.createDirectories(staging);
    List<Row> groups =
        spark
            .sql(
                """
        SELECT d.group_key, first(r.sweep), first(r.config_json), count(DISTINCT d.cell_id)
        FROM dimensions d JOIN runs r ON d.cell_id = r.cell_id GROUP BY d.group_key""")
            .collectAsList()
            .stream()
            .sorted(
                java.util.Comparator.comparing(
                        (Row r) -> describe(CellConfig.fromJson(r.getString(2))))
                    .thenComparing(r -> r.getString(0)))
            .toList();
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
    for (Figure f : new GrokkingFigures(spark, staging).render(views)) {
      figure(html, f);
      figures++;
    }
    for (int g = 0; g < Math.min(groups.size(), MAX_GROUPS); g++) {
      Row r = groups.get(g);
      CellConfig cell = CellConfig.fromJson(r.getString(2));
      String config =
          "[sweep " + r.getString(1) + "; " + describe(cell) + "; " + r.getLong(3) + " seeds]";
      html.append("<h2>Group ")
          .append(g + 1)
          .append(": ")
          .append(escape(title(cell)))
          .append(" (")
          .append(r.getLong(3))
          .append(" seeds)</h2>\n<p>")
          .append(escape(config))
          .append("</p>\n");
      for (Figure f :
          new GroupFigures(spark, r.getString(0), "g" + (g + 1), config, staging).render(views)) {
        figure(html, f);
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
    if (!local) {
      org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(remote, "report");
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(target, true);
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(folder.toUri()), target);
      out.printf("report: %s/index.html (%d figures)%n", target, figures);
      return folder.resolve("index.html");
    }
    out.printf("report: %s (%d figures)%n", folder.resolve("index.html"), figures);
    return folder.resolve("index.html");
  }

  private static void figure(StringBuilder html, Figure f) {
    html.append("<figure><h3>")
        .append(escape(f.title()))
        .append("</h3><img src=\"")
        .append(f.file())
        .append("\" alt=\"")
        .append(escape(f.title()))
        .append("\"><figcaption>")
        .append(escape(f.caption()))
        .append("</figcaption></figure>\n");
  }

  /** A group's heading: its task and, where it has one, its intervention. */
  static String title(CellConfig c) {
    TaskSpec t = c.task();
    String task =
        t.kind() == TaskKind.MARKER
            ? "modulus " + t.modulus() + ", markers " + t.markersMin() + "-" + t.markersMax()
            : t.operation().label() + " mod " + t.modulus();
    InterventionSpec iv = c.intervention();
    return iv.none() ? task : task + ", " + intervention(iv);
  }

  private static String intervention(InterventionSpec iv) {
    return iv.kind() == InterventionSpec.Kind.PROJECT
        ? String.format(
            Locale.ROOT,
            "project s=%s on the %s, %s, %s basis",
            iv.strength(),
            label(iv.target()),
            label(iv.scope()),
            label(iv.basis()))
        : String.format(
            Locale.ROOT,
            "kick alpha=%s every %d, %s, %s basis",
            iv.alpha(),
            iv.every(),
            label(iv.direction()),
            label(iv.basis()));
  }

  /** The knobs that describe a group, in one line. */
  static String describe(CellConfig c) {
    TaskSpec t = c.task();
    ModelSpec m = c.model();
    TrainSpec tr = c.train();
    String task =
        t.kind() == TaskKind.MARKER
            ? String.format(
                Locale.ROOT,
                "%s, modulus %d, markers %d-%d, %s, %s sampling",
                label(t.operation()),
                t.modulus(),
                t.markersMin(),
                t.markersMax(),
                label(t.schedule()),
                label(t.sampling()))
            : String.format(
                Locale.ROOT,
                "%s mod %d, train fraction %s",
                label(t.operation()),
                t.modulus(),
                t.trainFraction());
    return String.format(
        Locale.ROOT,
        "%s; %d layers, d_model %d, %d heads%s; %s lr %s, wd %s, batch %s, %d steps%s",
        task,
        m.layers(),
        m.dModel(),
        m.heads(),
        m.mlp() ? ", MLP " + m.dMlp() : "",
        label(tr.optimizer().kind()),
        tr.optimizer().lr(),
        tr.optimizer().weightDecay(),
        tr.fullBatch() ? "full" : String.valueOf(tr.batchSize()),
        tr.steps(),
        c.intervention().none() ? "" : "; " + intervention(c.intervention()));
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
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
