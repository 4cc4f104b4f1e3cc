package dev.notifier.bench;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What a Kafka Streams app's commits cost over one run, from its own clients' metrics: how many its stream threads
 * made, and the time its producers spent in the three calls of a commit: {@code flush} (every record sent so far
 * acknowledged), {@code sendOffsetsToTransaction} (the input offsets, through the group coordinator) and {@code
 * commitTransaction} (the transaction coordinator's end of the transaction).
 * Under exactly-once a stream thread does nothing else while it commits, so their share of the run is throughput the
 * commits take.
 *
 * @param commits commits made by the app's stream threads
 * @param flushNanos time in {@code flush}, all producers
 * @param sendOffsetsNanos time in {@code sendOffsetsToTransaction}, all producers
 * @param commitTransactionNanos time in {@code commitTransaction}, all producers
 * @param runNanos the run's length, start to the moment these were read
 * @param threads stream threads
 */
record CommitCost(long commits, long flushNanos, long sendOffsetsNanos, long commitTransactionNanos, long runNanos,
    int threads) {

  static final String THREAD_GROUP = "stream-thread-metrics";
  static final String PRODUCER_GROUP = "producer-metrics";

  /** Reads the totals from {@code metrics} ({@code KafkaStreams.metrics()}), after a run of {@code runNanos}. */
  static CommitCost of(Map<MetricName, ? extends Metric> metrics, long runNanos, int threads) {
    return new CommitCost((long) sum(metrics, THREAD_GROUP, "commit-total"),
        (long) sum(metrics, PRODUCER_GROUP, "flush-time-ns-total"),
        (long) sum(metrics, PRODUCER_GROUP, "txn-send-offsets-time-ns-total"),
        (long) sum(metrics, PRODUCER_GROUP, "txn-commit-time-ns-total"), runNanos, threads);
  }

  private static double sum(Map<MetricName, ? extends Metric> metrics, String group, String name) {
    double total = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      if (e.getKey().group().equals(group) && e.getKey().name().equals(name)
          && e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
        total += n.doubleValue();
      }
    }
    return total;
  }

  double commitsPerSecond() {
    return commits / (runNanos / 1e9);
  }

  double flushMillisEach() {
    return millisEach(flushNanos);
  }

  double sendOffsetsMillisEach() {
    return millisEach(sendOffsetsNanos);
  }

  double commitTransactionMillisEach() {
    return millisEach(commitTransactionNanos);
  }

  /** {@code nanos} spread over the commits, in milliseconds; none without a commit. */
  private double millisEach(long nanos) {
    return commits == 0 ? Double.NaN : nanos / 1e6 / commits;
  }

  /** The share of a stream thread's time the commits took (the three calls, over the run, per thread). */
  double threadShare() {
    return (double) (flushNanos + sendOffsetsNanos + commitTransactionNanos) / runNanos / threads;
  }
}
