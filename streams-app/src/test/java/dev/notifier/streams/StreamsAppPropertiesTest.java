package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.config.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsAppPropertiesTest {

  @Test
  void commitsEveryThirtyMillisecondsAndTheProducerLingersFiveUnlessKafkaPropertiesSayOtherwise(@TempDir Path dir) {
    StreamsSettings settings = StreamsSettings.defaults().withStateDir(dir.toString());

    Properties shipped = StreamsApp.properties(new KafkaSettings("localhost:9092", "", Map.of()), settings);
    Properties tuned = StreamsApp.properties(new KafkaSettings("localhost:9092", "",
        Map.of("producer.linger.ms", "20")), settings);

    assertThat(shipped.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(30L);
    assertThat(shipped.get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo(5);
    assertThat(tuned.get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo("20");
    assertThat(tuned.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
  }
}
