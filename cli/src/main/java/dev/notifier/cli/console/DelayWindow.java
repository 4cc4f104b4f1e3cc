package dev.notifier.cli.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Each account's delivery delay p99 over the last {@link #WINDOW} the console watched, from the workers' cumulative
 * {@code notifier_delivery_delay_seconds} buckets: each read is kept, and the mail accepted since the latest read
 * at least a window old (or the oldest read, while none is) is what counts; at the first read, everything the workers
 * counted since they started. The
 * p99 is the upper bound of the bucket it falls in, as {@code histogram_quantile} would place it no finer. A worker
 * whose counts went down restarted: its counts since then are its current ones, as Prometheus' {@code rate} takes
 * them.
 */
final class DelayWindow {

  static final Duration WINDOW = Duration.ofMinutes(5);

  /** Cumulative bucket counts by worker, account and upper bound (seconds; +Inf for all). */
  record Buckets(Map<String, Map<String, NavigableMap<Double, Double>>> byWorker) {
  }

  private record Read(Instant at, Buckets buckets) {
  }

  private final Deque<Read> reads = new ArrayDeque<>();

  /**
   * Keeps the buckets read at {@code at} and returns each account's p99 over the window (see above):
   * the upper bound of its bucket in seconds ({@link Double#POSITIVE_INFINITY} past the last bound), absent for an
   * account that sent nothing in it.
   */
  synchronized Map<String, Double> p99(Instant at, Buckets now) {
    // the base is the latest read at least a window old, or the oldest read when none is
    Instant start = at.minus(WINDOW);
    while (reads.size() > 1 && !second(reads).isAfter(start)) {
      reads.pollFirst();
    }
    Buckets base = reads.isEmpty() ? new Buckets(Map.of()) : reads.peekFirst().buckets();
    reads.addLast(new Read(at, now));
    Map<String, NavigableMap<Double, Double>> sent = new TreeMap<>();
    now.byWorker().forEach((worker, accounts) -> accounts.forEach((account, buckets) -> {
      Map<Double, Double> before = base.byWorker().getOrDefault(worker, Map.of()).get(account);
      Map<Double, Double> earlier = before == null ? Map.of() : before;
      NavigableMap<Double, Double> sum = sent.computeIfAbsent(account, a -> new TreeMap<>());
      boolean restarted = buckets.entrySet().stream().anyMatch(e -> e.getValue() < earlier.getOrDefault(e.getKey(), 0.0));
      buckets.forEach((le, count) -> sum.merge(le, restarted ? count : count - earlier.getOrDefault(le, 0.0),
          Double::sum));
    }));
    Map<String, Double> p99 = new TreeMap<>();
    sent.forEach((account, buckets) -> {
      Double bound = quantile(buckets, 0.99);
      if (bound != null) {
        p99.put(account, bound);
      }
    });
    return p99;
  }

  private static Instant second(Deque<Read> reads) {
    var it = reads.iterator();
    it.next();
    return it.next().at();
  }

  /** The upper bound of the cumulative bucket that holds quantile {@code q}; null when the buckets count nothing. */
  static Double quantile(NavigableMap<Double, Double> cumulative, double q) {
    double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    if (total <= 0) {
      return null;
    }
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= q * total) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** A bucket bound for a person: {@code ≤ 150 ms}, {@code ≤ 2.5 s}, {@code ≤ 5 min}, {@code ≤ 6 h}, {@code > 1 d}. */
  static String bound(double seconds) {
    if (Double.isInfinite(seconds)) {
      return "> 1 d";
    }
    if (seconds < 1) {
      return "≤ " + Math.round(seconds * 1000) + " ms";
    }
    if (seconds < 60) {
      return "≤ " + trim(seconds) + " s";
    }
    if (seconds < 3600) {
      return "≤ " + trim(seconds / 60) + " min";
    }
    if (seconds < 86_400) {
      return "≤ " + trim(seconds / 3600) + " h";
    }
    return "≤ " + trim(seconds / 86_400) + " d";
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
