package dev.notifier.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report's charts, drawn from its sections' data: the same maps report.json holds, so that a
 * run draws them and {@code bench/run redraw DIR} draws them again from a report's JSON alone.
 */
final class ReportCharts {

  static final String TOPOLOGY = "1. Topology throughput";
  static final String DELIVERY = "2. Delivery throughput";
  static final String THROTTLE = "3. Throttle accuracy";

  /** A delivery variant's key in the section's data: sender, the RTT row's suffix if any, connections. */
  private static final Pattern DELIVERY_KEY = Pattern.compile("(.+?)(?:, RTT (\\d+) ms)? c(\\d+)");
  private static final List<String> PERCENTILES = List.of("p50", "p95", "p99", "p99.9", "max");

  /** One delivery variant's median rate: its sender, connections and the RTT added in front of the sink. */
  record DeliveryPoint(String sender, int connections, int rttMs, double rate) {

    String series() {
      return sender + " ×" + connections;
    }
  }

  private ReportCharts() {
  }

  /** Topology events/s, one bar per variant, on a logarithmic axis (the bare apps run 20 times the notifier). */
  static Charts.Chart topology(Map<String, Object> data, int repetitions) {
    List<String> names = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    data.forEach((key, value) -> {
      if (value instanceof Map<?, ?> m && m.get("eventsPerSecondMedian") instanceof Number rate) {
        names.add(key.replace(" exactly_once_v2", " EOS").replace(" at_least_once", " ALO"));
        rates.add(rate.doubleValue());
      }
    });
    return Charts.bars("topology-throughput.png", "Topology throughput, median of " + repetitions
        + " runs (events/s, logarithmic)", "events/s", names, rates, true);
  }

  /** The delivery variants in the order they ran, read from the section's data. */
  static List<DeliveryPoint> deliveryPoints(Map<String, Object> data) {
    List<DeliveryPoint> points = new ArrayList<>();
    data.forEach((key, value) -> {
      Matcher m = DELIVERY_KEY.matcher(key);
      if (value instanceof Map<?, ?> v && v.get("rateMedian") instanceof Number rate && m.matches()) {
        points.add(new DeliveryPoint(m.group(1), Integer.parseInt(m.group(3)),
            m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), rate.doubleValue()));
      }
    });
    return points;
  }

  /** Delivery on loopback (0 ms RTT): one bar per sender and connection count. */
  static Charts.Chart delivery(Map<String, Object> data, int repetitions) {
    List<DeliveryPoint> loopback = loopback(deliveryPoints(data));
    List<String> names = loopback.stream().map(DeliveryPoint::series).toList();
    List<Double> rates = loopback.stream().map(DeliveryPoint::rate).toList();
    return Charts.bars("delivery-throughput.png", "Delivery throughput on loopback (0 ms RTT), median of "
        + repetitions + " runs (messages/s)", "msg/s", names, rates, false);
  }

  /** The variants that ran with no proxy in front of the sink. */
  static List<DeliveryPoint> loopback(List<DeliveryPoint> points) {
    return points.stream().filter(p -> p.rttMs() == 0).toList();
  }

  /**
   * Throughput against RTT, a line per sender that ran behind the latency proxy (its loopback row is
   * its 0 ms point), with the bounds of each connection count: one round trip a message (pipelining)
   * and four (MAIL, RCPT, DATA and the end of data each waiting for its reply).
   */
  static Charts.Chart deliveryRtt(Map<String, Object> data, int repetitions) {
    List<DeliveryPoint> points = deliveryPoints(data);
    Map<String, List<Charts.Point>> series = rttSeries(points);
    TreeSet<Integer> rtts = new TreeSet<>();
    points.stream().filter(p -> p.rttMs() > 0).forEach(p -> rtts.add(p.rttMs()));
    TreeSet<Integer> connections = new TreeSet<>();
    points.stream().filter(p -> p.rttMs() > 0).forEach(p -> connections.add(p.connections()));
    Map<String, List<Charts.Point>> bounds = new LinkedHashMap<>();
    for (int c : connections) {
      String conns = c + (c == 1 ? " connection" : " connections");
      bounds.put("bound of " + conns + " at 1 round trip a message", bound(rtts, c, 1));
      bounds.put("bound of " + conns + " at 4 round trips a message", bound(rtts, c, 4));
    }
    return Charts.lines("delivery-rtt.png", "Delivery throughput against round-trip time, median of " + repetitions
        + " runs", "round-trip time to the SMTP server (ms)", "msg/s (logarithmic)", series, bounds, true);
  }

  /** The senders that ran at an added RTT, each with its points by RTT, its loopback row as 0 ms. */
  static Map<String, List<Charts.Point>> rttSeries(List<DeliveryPoint> points) {
    Map<String, List<Charts.Point>> series = new LinkedHashMap<>();
    points.stream().filter(p -> p.rttMs() > 0).forEach(p -> series.putIfAbsent(p.series(), new ArrayList<>()));
    for (DeliveryPoint p : points) {
      List<Charts.Point> line = series.get(p.series());
      if (line != null) {
        line.add(new Charts.Point(p.rttMs(), p.rate()));
      }
    }
    series.values().forEach(line -> line.sort(java.util.Comparator.comparingDouble(Charts.Point::x)));
    return series;
  }

  /** What {@code connections} can send at {@code roundTrips} round trips a message, at each added RTT. */
  static List<Charts.Point> bound(TreeSet<Integer> rtts, int connections, int roundTrips) {
    return rtts.stream().map(rtt -> new Charts.Point(rtt, 1000.0 * connections / (roundTrips * rtt))).toList();
  }

  /** The throttle scenario's messages a second against R + B and R. */
  static Charts.Chart throttle(Map<String, Object> data) {
    int[] perSecond = ((List<?>) data.get("perSecond")).stream().mapToInt(n -> ((Number) n).intValue()).toArray();
    double rate = ((Number) data.get("rate")).doubleValue();
    int burst = ((Number) data.get("burst")).intValue();
    return Charts.perSecond("throttle-per-second.png", "Throttle: messages per second, " + ThrottleScenario.WORKERS
        + " workers, R=" + Report.fmt(rate) + " B=" + burst, perSecond, rate, burst);
  }

  /** Corrected percentiles at half the maximum, a group per percentile and a bar per configuration. */
  static Charts.Chart latency(Map<String, Object> data, boolean deployed) {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    data.forEach((key, value) -> {
      if (value instanceof Map<?, ?> m && m.get("percentilesMs") instanceof Map<?, ?> p) {
        series.put(key, PERCENTILES.stream().map(q -> p.get(q) instanceof Number n ? n.doubleValue() : Double.NaN)
            .toList());
      }
    });
    return Charts.groupedBars(deployed ? "latency-deployed-percentiles.png" : "latency-percentiles.png",
        "End-to-end latency at 50 % of the maximum, corrected for coordinated omission (ms; target: p99 < 150)"
            + (deployed ? ", in JVMs of their own" : ""), "ms", PERCENTILES, series, false);
  }

  /**
   * Every chart a report calls for, by section name, from its JSON as report.json holds it (its
   * "scenarios" and the repetitions of its "environment").
   */
  @SuppressWarnings("unchecked")
  static List<Charts.Chart> of(Map<String, Object> report) {
    Map<String, Object> environment = (Map<String, Object>) report.getOrDefault("environment", Map.of());
    int repetitions = environment.get("repetitions") instanceof Number n ? n.intValue() : 1;
    Map<String, Map<String, Object>> sections = (Map<String, Map<String, Object>>) report.get("scenarios");
    List<Charts.Chart> charts = new ArrayList<>();
    sections.forEach((name, data) -> {
      switch (name) {
        case TOPOLOGY -> charts.add(topology(data, repetitions));
        case DELIVERY -> {
          charts.add(delivery(data, repetitions));
          charts.add(deliveryRtt(data, repetitions));
        }
        case THROTTLE -> charts.add(throttle(data));
        case LatencyScenario.SECTION -> charts.add(latency(data, false));
        case LatencyScenario.DEPLOYED_SECTION -> charts.add(latency(data, true));
        default -> { }
      }
    });
    return charts;
  }

  /** Draws a report's charts again from its report.json, into its directory; returns the files written. */
  static List<Path> redraw(Path dir) throws IOException {
    List<Path> written = new ArrayList<>();
    for (Charts.Chart chart : of(Report.read(dir.resolve("report.json")))) {
      written.add(chart.write(dir));
    }
    return written;
  }
}
