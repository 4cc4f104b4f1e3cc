package dev.notifier.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG charts (XChart, rendered headless). */
public final class Charts {

  /** A chart that can write itself as a PNG into a directory. */
  public interface Chart {
    Path write(Path dir) throws IOException;
  }

  private Charts() {
  }

  /** A bar chart: one bar per category. */
  public static Chart bars(String file, String title, String yLabel, List<String> categories, List<Double> values) {
    return dir -> {
      CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title(title).yAxisTitle(yLabel).build();
      chart.getStyler().setLegendVisible(false);
      chart.getStyler().setXAxisLabelRotation(30);
      chart.getStyler().setLabelsVisible(true);
      chart.getStyler().setLabelsPosition(0.9);
      List<Double> clean = new ArrayList<>();
      values.forEach(v -> clean.add(Double.isNaN(v) ? 0.0 : v));
      chart.addSeries(yLabel, categories, clean);
      Path out = dir.resolve(file);
      BitmapEncoder.saveBitmap(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG);
      return out;
    };
  }

  /** Messages per second against the limit R + B (and the rate R) of the throttle scenario. */
  public static Chart perSecond(String file, String title, int[] counts, double rate, int burst) {
    return dir -> {
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
      Path out = dir.resolve(file);
      BitmapEncoder.saveBitmap(chart, out.toString(), BitmapEncoder.BitmapFormat.PNG);
      return out;
    };
  }
}
