package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/** The commit table's arithmetic over a Streams app's metrics; no app runs here. */
class CommitCostTest {

  private final Map<MetricName, Metric> metrics = new LinkedHashMap<>();

  private void put(String group, String name, String client, double value) {
    MetricName metricName = new MetricName(name, group, "", Map.of("client-id", client));
    metrics.put(metricName, new Metric() {
      @Override
      public MetricName metricName() {
        return metricName;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
  }

  @Test
  void sumsEveryThreadAndProducerAndDividesByTheCommits() {
    put("stream-thread-metrics", "commit-total", "t1", 30);
    put("stream-thread-metrics", "commit-total", "t2", 10);
    put("producer-metrics", "flush-time-ns-total", "t1-producer", 300e6);
    put("producer-metrics", "flush-time-ns-total", "t2-producer", 100e6);
    put("producer-metrics", "txn-send-offsets-time-ns-total", "t1-producer", 160e6);
    put("producer-metrics", "txn-commit-time-ns-total", "t1-producer", 40e6);
    // same names in other groups and other metrics of the groups are not counted
    put("consumer-metrics", "commit-total", "t1-consumer", 999);
    put("producer-metrics", "flush-time-ns-avg", "t1-producer", 5e9);
    put("stream-thread-metrics", "commit-rate", "t1", Double.NaN);

    CommitCost cost = CommitCost.of(metrics, 10_000_000_000L, 2);

    assertThat(cost.commits()).isEqualTo(40);
    assertThat(cost.commitsPerSecond()).isCloseTo(4.0, within(1e-9));
    assertThat(cost.flushMillisEach()).isCloseTo(10.0, within(1e-9));
    assertThat(cost.sendOffsetsMillisEach()).isCloseTo(4.0, within(1e-9));
    assertThat(cost.commitTransactionMillisEach()).isCloseTo(1.0, within(1e-9));
    // 600 ms of commits over 10 s on two threads
    assertThat(cost.threadShare()).isCloseTo(0.03, within(1e-9));
  }

  @Test
  void anAppThatNeverCommittedHasNoTimePerCommit() {
    CommitCost cost = CommitCost.of(metrics, 1_000_000_000L, 1);

    assertThat(cost.commits()).isZero();
    assertThat(cost.flushMillisEach()).isNaN();
    assertThat(cost.threadShare()).isZero();
  }
}
