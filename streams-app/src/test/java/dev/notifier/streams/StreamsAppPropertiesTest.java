package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.config.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsAppPropertiesTest {

  private static final KafkaSettings KAFKA = new KafkaSettings("localhost:9092", "", Map.of());

  @TempDir
  Path dir;

  private StreamsSettings settings() {
    return StreamsSettings.defaults().withStateDir(dir.toString());
  }

  @Test
  void commitsExactlyOnceEveryFiftyMillisecondsUnlessConfigured() {
    Properties shipped = StreamsApp.properties(KAFKA, settings());
    Properties configured = StreamsApp.properties(KAFKA, settings().withCommitInterval(Duration.ofMillis(250)));

    assertThat(shipped.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(shipped.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(50L);
    assertThat(configured.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
    // the stream threads' producer keeps Kafka Streams' linger (100 ms): a commit's output then goes in one batch
    // a partition, where a short linger sent several, and a transaction's second batch reaching the broker first
    // was refused (a retried OutOfOrderSequenceException, logged by the broker as an ERROR)
    assertThat(shipped).doesNotContainKey(StreamsConfig.producerPrefix("linger.ms"));
  }

  /**
   * A stream thread that has processed records before its commit interval is over goes back to poll for more, and
   * commits only when that poll returns: after at most {@code poll.ms}, Kafka Streams' 100 ms by default, when no
   * record comes. The last events of a burst then waited 100 ms in the topology, not the 50 of its interval.
   */
  @Test
  void aStreamThreadWaitsForInputAThirdOfItsCommitInterval() {
    Properties shipped = StreamsApp.properties(KAFKA, settings());
    Properties slower = StreamsApp.properties(KAFKA, settings().withCommitInterval(Duration.ofMillis(240)));
    Properties slowest = StreamsApp.properties(KAFKA, settings().withCommitInterval(Duration.ofSeconds(1)));
    Properties operators = StreamsApp.properties(new KafkaSettings("localhost:9092", "",
        Map.of(StreamsConfig.POLL_MS_CONFIG, "50")), settings());

    assertThat(shipped.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(16L);
    assertThat(slower.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(80L);
    // no thread waits longer for input than Kafka Streams' own default lets it
    assertThat(slowest.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(new StreamsConfig(Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, "a", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092"))
        .getLong(StreamsConfig.POLL_MS_CONFIG));
    // the cluster's own kafka.properties win, as for every client setting passed through
    assertThat(operators.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("50");
  }
}
