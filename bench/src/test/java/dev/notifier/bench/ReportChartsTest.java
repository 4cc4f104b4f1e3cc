package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.bench.Charts.Point;
import dev.notifier.bench.ReportCharts.DeliveryPoint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's charts: what each one is drawn from, and that a redraw from report.json draws the same. */
class ReportChartsTest {

  @Test
  void deliveryKeysAreReadAsSenderConnectionsAndRoundTripTime() {
    assertThat(ReportCharts.deliveryPoints(delivery())).containsExactly(
        new DeliveryPoint("bare Angus loop, pre-encoded (b)", 1, 0, 3265),
        new DeliveryPoint("naive Transport.send, setText (d)", 1, 0, 1460),
        new DeliveryPoint("notifier, 1 worker", 1, 0, 6566),
        new DeliveryPoint("notifier, 2 workers × 4", 8, 0, 8892),
        new DeliveryPoint("notifier, 1 worker", 8, 20, 368),
        new DeliveryPoint("notifier, 1 worker", 1, 80, 12.0),
        new DeliveryPoint("bare Angus loop, pre-encoded (b)", 1, 20, 11.9),
        new DeliveryPoint("notifier, 1 worker", 1, 20, 46.0),
        new DeliveryPoint("bare Angus loop, pre-encoded (b)", 1, 80, 3.04));
  }

  @Test
  void theLoopbackBarsLeaveEveryRowBehindTheProxyOut() {
    assertThat(ReportCharts.loopback(ReportCharts.deliveryPoints(delivery())))
        .extracting(DeliveryPoint::series)
        .containsExactly("bare Angus loop, pre-encoded (b) ×1", "naive Transport.send, setText (d) ×1",
            "notifier, 1 worker ×1", "notifier, 2 workers × 4 ×8");
  }

  @Test
  void theRttChartHasALinePerSenderBehindTheProxyFromItsLoopbackRowInOrderOfRtt() {
    Map<String, List<Point>> series = ReportCharts.rttSeries(ReportCharts.deliveryPoints(delivery()));

    // the naive sender and the two workers ran on loopback only: no line
    assertThat(series.keySet()).containsExactly("notifier, 1 worker ×8", "notifier, 1 worker ×1",
        "bare Angus loop, pre-encoded (b) ×1");
    assertThat(series.get("notifier, 1 worker ×1"))
        .containsExactly(new Point(0, 6566), new Point(20, 46.0), new Point(80, 12.0));
    // its loopback row did not run in this report: the line starts at the proxy
    assertThat(series.get("notifier, 1 worker ×8")).containsExactly(new Point(20, 368));
  }

  @Test
  void aBoundIsConnectionsOverTheRoundTripsAMessageWaits() {
    assertThat(ReportCharts.bound(new TreeSet<>(List.of(80, 20)), 8, 4))
        .containsExactly(new Point(20, 100), new Point(80, 25));
    assertThat(ReportCharts.bound(new TreeSet<>(List.of(20)), 1, 1)).containsExactly(new Point(20, 50));
  }

  @Test
  void aRunDrawsItsChartsAndARedrawFromItsJsonDrawsTheSamePictures(@TempDir Path run, @TempDir Path again)
      throws IOException {
    Report report = new Report();
    report.environment().put("repetitions", 3);
    fill(report);

    List<Path> written = report.write(run);
    Files.copy(run.resolve("report.json"), again.resolve("report.json"));
    List<Path> redrawn = ReportCharts.redraw(again);

    List<String> charts = List.of("topology-throughput.png", "delivery-throughput.png", "delivery-rtt.png",
        "throttle-per-second.png", "latency-percentiles.png");
    assertThat(written).extracting(p -> p.getFileName().toString()).containsAll(charts);
    assertThat(redrawn).extracting(p -> p.getFileName().toString()).containsExactlyElementsOf(charts);
    for (String chart : charts) {
      BufferedImage image = ImageIO.read(again.resolve(chart).toFile());
      assertThat(image).as(chart).isNotNull();
      assertThat(image.getWidth()).as(chart).isGreaterThanOrEqualTo(900);
      assertThat(Files.readAllBytes(again.resolve(chart))).as(chart)
          .isEqualTo(Files.readAllBytes(run.resolve(chart)));
    }
  }

  @Test
  void aLogAxisRunsFromTheDecadeBelowTheLowestFigureToTheDecadeAboveTheHighestSoBothEndsAreLabelled() {
    assertThat(Charts.decades(List.of(5236.0, 277794.0, Double.NaN, 0.0))).containsExactly(1_000.0, 1_000_000.0);
    assertThat(Charts.decades(List.of(100.0, 100_000.0))).containsExactly(100.0, 100_000.0);
    assertThat(Charts.decades(List.of(3.0))).containsExactly(1.0, 10.0);
    assertThat(Charts.decades(List.of())).containsExactly(1.0, 10.0);
  }

  @Test
  void aRedrawOfSomethingThatIsNoReportSaysSo(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("report.json"), "{\"targets\": []}");

    assertThatThrownBy(() -> ReportCharts.redraw(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("has no \"scenarios\": not a bench report");
  }

  @Test
  void aRedrawOfADirectoryWithNoReportNamesWhatItLacks(@TempDir Path dir) {
    assertThatThrownBy(() -> ReportCharts.redraw(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("holds no report.json");
  }

  /** The sections' data as the scenarios put it: maps, lists and an int[] that only JSON turns into a list. */
  private static void fill(Report report) {
    report.section(ReportCharts.TOPOLOGY)
        .data("fan-out Streams app (a) exactly_once_v2", Map.of("eventsPerSecondMedian", 184011.0))
        .data("notifier topology exactly_once_v2", Map.of("eventsPerSecondMedian", 8504.0,
            "eventsPerSecond", List.of(8504.0, 5922.0, 8632.0)))
        .data("notifier topology exactly_once_v2 commits", Map.of("commitsPerSecond", 5.16));
    Report.Section delivery = report.section(ReportCharts.DELIVERY);
    delivery().forEach(delivery::data);
    report.section(ReportCharts.THROTTLE).data("rate", 50.0).data("burst", 10)
        .data("perSecond", new int[] {57, 51, 48, 51});
    report.section(LatencyScenario.SECTION).data("defaults (commit 30 ms)", Map.of("maxNotificationsPerSecond",
        10080.0, "percentilesMs", Map.of("p50", 54.8, "p95", 170.0, "p99", 224.0, "p99.9", 260.0, "max", 303.0)));
    report.section("5. Memory").data("container", Map.of("peakRssMb", 215));
  }

  /** A delivery section's data, keyed as {@code DeliveryScenario} keys it, with its non-rate entries. */
  private static Map<String, Object> delivery() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("bench-senders-w1c1-r1WorkerCpuNanos", 123456789L);
    data.put("bare Angus loop, pre-encoded (b) c1", rate(3265));
    data.put("naive Transport.send, setText (d) c1", rate(1460));
    data.put("notifier, 1 worker c1", rate(6566));
    data.put("notifier, 2 workers × 4 c8", rate(8892));
    data.put("notifier, 1 worker, RTT 20 ms c8", rate(368));
    data.put("notifier, 1 worker, RTT 80 ms c1", rate(12.0));
    data.put("bare Angus loop, pre-encoded (b), RTT 20 ms c1", rate(11.9));
    data.put("notifier, 1 worker, RTT 20 ms c1", rate(46.0));
    data.put("bare Angus loop, pre-encoded (b), RTT 80 ms c1", rate(3.04));
    data.put("notes", List.of("a note"));
    return data;
  }

  private static Map<String, Object> rate(double median) {
    return Map.of("rateMedian", median, "rates", List.of(median), "sent", List.of(1000));
  }
}
