package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker that allows no consumer group session as short as the app's 6 s (its {@code group.min.session.timeout.ms}
 * raised to 10 s) refuses every join: the app stops in ERROR saying which key to set and within what, and the
 * session set under {@code kafka.properties} as it says lets it run.
 */
class SessionRangeIntegrationTest {

  private static final String PREFIX = "session.";
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(2).brokerProperty("group.min.session.timeout.ms", "10000").start();
    kafka.createTopics(TopicLayout.of(2).newTopics(Topics.withPrefix(PREFIX)));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void aSessionTheBrokerRefusesStopsTheAppNamingTheKeyAndTheFixLetsItRun() throws Exception {
    try (StreamsApp refused = app("refused", Map.of())) {
      refused.start();
      Await.until(Duration.ofSeconds(60), "the app in ERROR", () -> refused.state() == KafkaStreams.State.ERROR);
      assertThat(refused.fatalReason()).hasValueSatisfying(why -> assertThat(why)
          .contains("session time-out of 6000 ms", "session.timeout.ms under kafka.properties",
              "group.min.session.timeout.ms"));
    }
    try (StreamsApp fixed = app("fixed", Map.of("session.timeout.ms", "12000"))) {
      fixed.start();
      assertThat(fixed.awaitRunning(Duration.ofSeconds(60))).as("RUNNING with the session the broker allows")
          .isTrue();
      assertThat(fixed.fatalReason()).isEmpty();
    }
  }

  private static StreamsApp app(String id, Map<String, String> properties) throws Exception {
    return new StreamsApp(new KafkaSettings(kafka.bootstrapServers(), PREFIX, properties), StreamsSettings.defaults()
        .withApplicationId("session-" + id).withStateDir(Files.createTempDirectory(id).toString()),
        AccountRouter.single("default"));
  }
}
