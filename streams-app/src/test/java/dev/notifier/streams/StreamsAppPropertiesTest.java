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

  /** An instance that dies is given up in 6 s, not Kafka Streams' 45 (StreamsMembershipIntegrationTest: one that stops). */
  @Test
  void anInstanceIsGivenUpSixSecondsAfterItsLastHeartbeatUnlessConfigured() {
    Properties shipped = StreamsApp.properties(KAFKA, settings());
    Properties bare = StreamsApp.properties(kafka(Map.of("session.timeout.ms", "20000")), settings());
    Properties prefixed = StreamsApp.properties(kafka(Map.of("main.consumer.session.timeout.ms", "20000",
        "consumer.heartbeat.interval.ms", "3000")), settings());
    Properties brokers = StreamsApp.properties(kafka(Map.of(StreamsConfig.GROUP_PROTOCOL_CONFIG, "Streams")),
        settings());

    assertThat(shipped).containsEntry("session.timeout.ms", "6000").containsEntry("heartbeat.interval.ms", "1000");
    assertThat(bare).containsEntry("session.timeout.ms", "20000").containsEntry("heartbeat.interval.ms", "1000");
    // the operator's prefixed setting is not overridden by a bare one of ours (Kafka Streams would take theirs anyway)
    assertThat(prefixed).doesNotContainKeys("session.timeout.ms", "heartbeat.interval.ms")
        .containsEntry("main.consumer.session.timeout.ms", "20000");
    // KIP-1071's streams protocol: the broker sets both
    assertThat(brokers).doesNotContainKeys("session.timeout.ms", "heartbeat.interval.ms");
  }

  /** The producer learns of partitions added to the send topic (notifier topics grow) within 30 s, not 5 minutes. */
  @Test
  void theProducerRefreshesTheTopicsPartitionsEveryHalfMinuteUnlessConfigured() {
    Map<String, Object> shipped = producer(StreamsApp.properties(KAFKA, settings()));
    Map<String, Object> bare = producer(StreamsApp.properties(kafka(Map.of("metadata.max.age.ms", "60000")),
        settings()));
    Map<String, Object> prefixed = producer(StreamsApp.properties(kafka(Map.of("producer.metadata.max.age.ms",
        "90000")), settings()));

    assertThat(shipped).containsEntry("metadata.max.age.ms", 30000L);
    assertThat(bare).containsEntry("metadata.max.age.ms", "60000");
    assertThat(prefixed).containsEntry("metadata.max.age.ms", "90000");
  }

  /** What Kafka Streams gives its producer of these properties. */
  private static Map<String, Object> producer(Properties props) {
    return new StreamsConfig(props).getProducerConfigs("client");
  }

  private static KafkaSettings kafka(Map<String, String> properties) {
    return new KafkaSettings("localhost:9092", "", properties);
  }
}
