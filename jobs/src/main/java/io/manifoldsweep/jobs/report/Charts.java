package io.manifoldsweep.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart charts in one house style, written as PNG. */
final class Charts {
  static final int WIDTH = 900;
  static final int HEIGHT = 520;

  private Charts() {}

  static XYChart xy(String title, String xAxis, String yAxis) {
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xAxis)
            .yAxisTitle(yAxis)
            .build();
    style(c.getStyler());
    c.getStyler().setMarkerSize(4);
    return c;
  }

  static XYSeries line(XYChart c, String name, double[] x, double[] y) {
    XYSeries s = c.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  /** A reference curve (a null model, a baseline): dashed and grey. */
  static XYSeries reference(XYChart c, String name, double[] x, double[] y) {
    XYSeries s = line(c, name, x, y);
    s.setLineColor(Color.DARK_GRAY);
    s.setLineStyle(
        new BasicStroke(
            2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    return s;
  }

  static CategoryChart category(String title, String xAxis, String yAxis) {
    CategoryChart c =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xAxis)
            .yAxisTitle(yAxis)
            .build();
    style(c.getStyler());
    return c;
  }

  static HeatMapChart heatMap(String title, String xAxis, String yAxis) {
    HeatMapChart c =
        new HeatMapChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xAxis)
            .yAxisTitle(yAxis)
            .build();
    c.getStyler().setShowValue(true);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setMin(0);
    c.getStyler().setMax(1);
    return c;
  }

  private static void style(AxesChartStyler s) {
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(225, 225, 225));
  }

  static void save(Chart<?, ?> chart, Path dir, String file) throws IOException {
    BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static double[] doubles(List<? extends Number> xs) {
    double[] out = new double[xs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = xs.get(i).doubleValue();
    }
    return out;
  }
}
