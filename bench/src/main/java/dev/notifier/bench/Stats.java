package dev.notifier.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** The arithmetic of the report: rates, ratios, sliding-window maxima, percentiles. */
public final class Stats {

  private Stats() {
  }

  /** Items per second; 0 when no time passed. */
  public static double rate(long count, long nanos) {
    return nanos <= 0 ? 0 : count * 1e9 / nanos;
  }

  /** The median of {@code values} (the mean of the middle two for an even count); NaN when empty. */
  public static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** {@code a / b}, or NaN when b is 0 or NaN (a baseline that did not run). */
  public static double ratio(double a, double b) {
    return b > 0 ? a / b : Double.NaN;
  }

  /**
   * The most events in any window of {@code windowNanos} (any start, not only whole seconds):
   * for each event, how many events fall in [its time, its time + window).
   */
  public static int maxInWindow(long[] timesNanos, long windowNanos) {
    long[] t = timesNanos.clone();
    Arrays.sort(t);
    int best = 0;
    int end = 0;
    for (int start = 0; start < t.length; start++) {
      while (end < t.length && t[end] - t[start] < windowNanos) {
        end++;
      }
      best = Math.max(best, end - start);
    }
    return best;
  }

  /** Counts per whole second since {@code originNanos}, for {@code seconds} seconds. */
  public static int[] perSecond(long[] timesNanos, long originNanos, int seconds) {
    int[] counts = new int[Math.max(0, seconds)];
    for (long t : timesNanos) {
      long s = (t - originNanos) / TimeUnit.SECONDS.toNanos(1);
      if (t >= originNanos && s < counts.length) {
        counts[(int) s]++;
      }
    }
    return counts;
  }

  /** A histogram of latencies in microseconds, up to one hour, 3 significant digits. */
  public static Histogram latencyHistogram() {
    return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
  }

  /** p50, p95, p99, p99.9 and max of a histogram in microseconds, converted to milliseconds. */
  public static Map<String, Double> percentilesMillis(Histogram micros) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (double p : List.of(50.0, 95.0, 99.0, 99.9)) {
      out.put("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)),
          micros.getValueAtPercentile(p) / 1000.0);
    }
    out.put("max", micros.getMaxValue() / 1000.0);
    return out;
  }
}
