package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The accounts page's delivery delay p99: from cumulative buckets, over the last five minutes, across restarts. */
class DelayWindowTest {

  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  private static final double INF = Double.POSITIVE_INFINITY;

  private final DelayWindow window = new DelayWindow();

  @Test
  void theP99IsTheUpperBoundOfTheBucketItFallsIn() {
    // 990 within 150 ms, 9 within 30 s, 1 over a day
    assertThat(DelayWindow.quantile(buckets(0.15, 990, 30, 999, INF, 1000), 0.99)).isEqualTo(0.15);
    assertThat(DelayWindow.quantile(buckets(0.15, 989, 30, 999, INF, 1000), 0.99)).isEqualTo(30.0);
    assertThat(DelayWindow.quantile(buckets(0.15, 0, 86_400, 98, INF, 100), 0.99)).isEqualTo(INF);
    assertThat(DelayWindow.quantile(buckets(0.15, 0, INF, 0), 0.99)).as("nothing sent").isNull();
  }

  @Test
  void onlyMailSentWithinTheWindowCountsAndAWorkerThatRestartedCountsFromItsRestart() {
    assertThat(window.p99(T0, read("w1", buckets(0.15, 0, 60, 0, INF, 0)))).as("nothing sent yet").isEmpty();
    // a minute on: 50 slow ones
    assertThat(window.p99(T0.plusSeconds(60), read("w1", buckets(0.15, 0, 60, 0, INF, 50))))
        .containsEntry("company", INF);
    // two minutes on: 200 fast ones more, over two workers (w2 new), and the slow fifth is still in the window
    assertThat(window.p99(T0.plusSeconds(120), read("w1", buckets(0.15, 100, 60, 100, INF, 150),
        "w2", buckets(0.15, 100, 60, 100, INF, 100)))).containsEntry("company", INF);
    // six minutes on: the window starts after the slow ones; w1 restarted (its counts went down), 10 since
    assertThat(window.p99(T0.plusSeconds(360), read("w1", buckets(0.15, 10, 60, 10, INF, 10),
        "w2", buckets(0.15, 300, 60, 300, INF, 300)))).containsEntry("company", 0.15);
    // nothing sent after that: once the window has passed, nothing to show (not the workers' whole lifetime)
    window.p99(T0.plusSeconds(420), read("w1", buckets(0.15, 10, 60, 10, INF, 10),
        "w2", buckets(0.15, 300, 60, 300, INF, 300)));
    assertThat(window.p99(T0.plusSeconds(800), read("w1", buckets(0.15, 10, 60, 10, INF, 10),
        "w2", buckets(0.15, 300, 60, 300, INF, 300)))).isEmpty();
  }

  @Test
  void boundsReadAsAPersonWouldSayThem() {
    assertThat(DelayWindow.bound(0.15)).isEqualTo("≤ 150 ms");
    assertThat(DelayWindow.bound(2.5)).isEqualTo("≤ 2.5 s");
    assertThat(DelayWindow.bound(30)).isEqualTo("≤ 30 s");
    assertThat(DelayWindow.bound(300)).isEqualTo("≤ 5 min");
    assertThat(DelayWindow.bound(21_600)).isEqualTo("≤ 6 h");
    assertThat(DelayWindow.bound(86_400)).isEqualTo("≤ 1 d");
    assertThat(DelayWindow.bound(INF)).isEqualTo("> 1 d");
  }

  private static NavigableMap<Double, Double> buckets(double... boundsAndCounts) {
    NavigableMap<Double, Double> buckets = new TreeMap<>();
    for (int i = 0; i < boundsAndCounts.length; i += 2) {
      buckets.put(boundsAndCounts[i], boundsAndCounts[i + 1]);
    }
    return buckets;
  }

  private static DelayWindow.Buckets read(Object... workersAndBuckets) {
    Map<String, Map<String, NavigableMap<Double, Double>>> byWorker = new TreeMap<>();
    for (int i = 0; i < workersAndBuckets.length; i += 2) {
      @SuppressWarnings("unchecked")
      NavigableMap<Double, Double> buckets = (NavigableMap<Double, Double>) workersAndBuckets[i + 1];
      byWorker.put((String) workersAndBuckets[i], Map.of("company", buckets));
    }
    return new DelayWindow.Buckets(byWorker);
  }
}
