package dev.notifier.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG charts (XChart, rendered headless). */
public final class Charts {

  /** Whole numbers with thousands separators: what a reader compares, not a double's sixteen digits. */
  static final String WHOLE = "#,##0";
  /** Category names longer than this are set upright under their bars, so that none is dropped. */
  private static final int SHORT_LABEL = 12;
  private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {6f, 4f}, 0f);

  /** A chart that can write itself as a PNG into a directory. */
  public interface Chart {
    Path write(Path dir) throws IOException;
  }

  /** A point of a line: x and y. */
  public record Point(double x, double y) {
  }

  private Charts() {
  }

  private static Chart chart(String file, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    return dir -> {
      Path out = dir.resolve(file);
      try (OutputStream png = Files.newOutputStream(out)) {
        ChartEncoder.saveChart(chart, png, "png");
      }
      return out;
    };
  }

  /**
   * A bar chart: one bar per category, each labelled with its value, the category names upright
   * under the bars so that every one is shown. A logarithmic axis keeps bars a hundred times apart
   * both readable.
   */
  public static Chart bars(String file, String title, String yLabel, List<String> categories, List<Double> values,
      boolean logarithmic) {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put(yLabel, values);
    return groupedBars(file, title, yLabel, categories, series, logarithmic);
  }

  /** Bars in groups: one group per category, one bar per series in each, a legend when more than one. */
  public static Chart groupedBars(String file, String title, String yLabel, List<String> categories,
      Map<String, List<Double>> series, boolean logarithmic) {
    int longest = categories.stream().mapToInt(String::length).max().orElse(0);
    boolean upright = longest > SHORT_LABEL;
    int height = 520 + (upright ? 7 * longest : 0);
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(height).title(title).yAxisTitle(yLabel)
        .build();
    chart.getStyler().setLegendVisible(series.size() > 1);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisLabelRotation(upright ? 90 : 0);
    chart.getStyler().setXAxisMaxLabelCount(categories.size());
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsRotation(series.size() > 1 ? 90 : 0);
    chart.getStyler().setLabelsPosition(1.0);
    chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
    chart.getStyler().setLabelsFontColor(Color.BLACK);
    chart.getStyler().setYAxisDecimalPattern(WHOLE);
    chart.getStyler().setYAxisLogarithmic(logarithmic);
    // bars stand on the axis' floor, which a log axis must be told: the decade below the lowest figure
    double floor = 0.0;
    if (logarithmic) {
      double[] decades = decades(series.values().stream().flatMap(List::stream).toList());
      floor = decades[0];
      chart.getStyler().setYAxisMin(floor);
      chart.getStyler().setYAxisMax(decades[1]);
    }
    double none = floor;
    series.forEach((name, values) -> {
      List<Double> clean = new ArrayList<>();
      // a missing figure is drawn as no bar: a bar of the floor's height
      values.forEach(v -> clean.add(Double.isNaN(v) || v <= 0 ? none : v));
      chart.addSeries(name, categories, clean);
    });
    return chart(file, chart);
  }

  /**
   * Lines with markers, one per series, and dashed grey reference lines (bounds a reader measures the
   * series against); a logarithmic y axis when the figures span orders of magnitude.
   */
  public static Chart lines(String file, String title, String xLabel, String yLabel, Map<String, List<Point>> series,
      Map<String, List<Point>> references, boolean logarithmic) {
    XYChart chart = new XYChartBuilder().width(1000).height(600).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
        .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    chart.getStyler().setYAxisLogarithmic(logarithmic);
    if (logarithmic) {
      double[] decades = decades(java.util.stream.Stream.concat(series.values().stream(), references.values().stream())
          .flatMap(List::stream).map(Point::y).toList());
      chart.getStyler().setYAxisMin(decades[0]);
      chart.getStyler().setYAxisMax(decades[1]);
    }
    chart.getStyler().setYAxisDecimalPattern(WHOLE);
    chart.getStyler().setXAxisDecimalPattern(WHOLE);
    series.forEach((name, points) -> {
      if (!points.isEmpty()) {
        chart.addSeries(name, xs(points), ys(points)).setMarker(SeriesMarkers.CIRCLE);
      }
    });
    references.forEach((name, points) -> {
      if (!points.isEmpty()) {
        XYSeries s = chart.addSeries(name, xs(points), ys(points));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.GRAY);
        s.setLineStyle(DASHED);
      }
    });
    return chart(file, chart);
  }

  /**
   * A log axis' range: the decade at or below the lowest positive figure and the decade at or above the
   * highest, so that both ends carry a label (XChart labels decades only, and leaves the top unlabelled when
   * the axis ends between two); {1, 10} when there is none.
   */
  static double[] decades(List<Double> values) {
    double lowest = values.stream().filter(v -> v != null && v > 0).mapToDouble(v -> v).min().orElse(1.0);
    double highest = values.stream().filter(v -> v != null && v > 0).mapToDouble(v -> v).max().orElse(10.0);
    double floor = Math.pow(10, Math.floor(Math.log10(lowest)));
    double ceiling = Math.pow(10, Math.ceil(Math.log10(highest)));
    return new double[] {floor, ceiling > floor ? ceiling : floor * 10};
  }

  private static double[] xs(List<Point> points) {
    return points.stream().mapToDouble(Point::x).toArray();
  }

  private static double[] ys(List<Point> points) {
    return points.stream().mapToDouble(Point::y).toArray();
  }

  /** Messages per second against the limit R + B (and the rate R) of the throttle scenario. */
  public static Chart perSecond(String file, String title, int[] counts, double rate, int burst) {
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("second")
        .yAxisTitle("messages at the SMTP server").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    List<Integer> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    List<Double> limit = new ArrayList<>();
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      x.add(i);
      y.add(counts[i]);
      limit.add(rate + burst);
      r.add(rate);
    }
    if (x.isEmpty()) {
      x.add(0);
      y.add(0);
      limit.add(rate + burst);
      r.add(rate);
    }
    chart.addSeries("delivered per second", x, y).setMarker(SeriesMarkers.CIRCLE);
    XYSeries l = chart.addSeries("limit R + B", x, limit);
    l.setMarker(SeriesMarkers.NONE);
    l.setLineColor(Color.RED);
    XYSeries s = chart.addSeries("rate R", x, r);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(Color.GRAY);
    return chart(file, chart);
  }
}
