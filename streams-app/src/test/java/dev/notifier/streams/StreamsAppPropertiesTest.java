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

  @Test
  void commitsExactlyOnceEveryThirtyMillisecondsUnlessConfigured(@TempDir Path dir) {
    StreamsSettings settings = StreamsSettings.defaults().withStateDir(dir.toString());
    KafkaSettings kafka = new KafkaSettings("localhost:9092", "", Map.of());

    Properties shipped = StreamsApp.properties(kafka, settings);
    Properties configured = StreamsApp.properties(kafka, settings.withCommitInterval(Duration.ofMillis(250)));

    assertThat(shipped.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(shipped.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(30L);
    assertThat(configured.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(250L);
    // the stream threads' producer keeps Kafka Streams' linger (100 ms): a commit's output then goes in one batch
    // a partition, where a short linger sent several, and a transaction's second batch reaching the broker first
    // was refused (a retried OutOfOrderSequenceException, logged by the broker as an ERROR)
    assertThat(shipped).doesNotContainKey(StreamsConfig.producerPrefix("linger.ms"));
  }
}
