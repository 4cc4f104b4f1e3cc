package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped app on Kafka's streams rebalance protocol (KIP-1071: {@code group.protocol: streams} under
 * {@code kafka.properties}), where the broker, not the app, creates the internal topics and assigns the tasks: every
 * event crosses both hops (every recipient capped, so all mail takes the by-recipient repartition) and the send
 * topic holds each notification once.
 */
class StreamsProtocolIntegrationTest {

  private static final String APP = "protocol-it";
  private static final int EVENTS = 30;
  private static final int GROUPS = 10;
  private static final int GROUP_SIZE = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(2).start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void onTheStreamsRebalanceProtocolEveryEventCrossesBothHopsOnce(@TempDir Path dir) throws Exception {
    // Step 1: the app of a streams group, with the built-in rules and a cap for everyone, running
    Topics topics = Topics.withPrefix("protocol.");
    kafka.createTopics(TopicLayout.of(2).newTopics(topics));
    BacklogIntegrationTest.publishDirectory(kafka, topics, GROUPS, GROUP_SIZE);
    Path rules = Files.writeString(dir.resolve("rules.yaml"), BacklogIntegrationTest.cappedRulesYaml(),
        StandardCharsets.UTF_8);
    KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "protocol.",
        Map.of("group.protocol", "streams"));
    try (StreamsApp app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId(APP)
        .withStateDir(dir.resolve("state").toString()).withRulesFile(rules.toString()),
        AccountRouter.single("default")); Admin admin = kafka.admin()) {
      app.start();
      assertThat(app.awaitRunning(TIMEOUT)).as("RUNNING on the streams protocol").isTrue();

      // Step 2: 30 events to groups of three: 90 notifications, each once
      BacklogIntegrationTest.publishEvents(kafka, topics.events().name(), EVENTS, GROUPS);
      List<Notification> sent = readSend(topics, EVENTS * GROUP_SIZE);
      assertThat(sent).extracting(Notification::getNotificationId).hasSize(EVENTS * GROUP_SIZE)
          .doesNotHaveDuplicates();
      assertThat(sent).extracting(n -> n.getRecipient().getEmail()).hasSize(EVENTS * GROUP_SIZE)
          .allMatch(email -> email.matches("u\\d+@example\\.com"));

      // Step 3: the cluster knows it as a streams group: one member, the two hops as sub-topologies
      StreamsGroupDescription group = admin.describeStreamsGroups(List.of(APP)).describedGroups().get(APP).get();
      assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
      assertThat(group.members()).hasSize(1);
      assertThat(group.subtopologies()).as("the events' hop and the policy hop").hasSizeGreaterThanOrEqualTo(2)
          .anySatisfy(s -> assertThat(s.repartitionSourceTopics()).containsKey(APP + "-by-recipient-repartition"));
      assertThat(app.fatalReason()).isEmpty();
    }
  }

  /** The send topic read committed from its beginning until {@code count} notifications came, or the time-out. */
  private static List<Notification> readSend(Topics topics, int count) {
    Properties props = kafka.consumerProps(APP + "-reader");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Notification> sent = new ArrayList<>();
    try (KafkaConsumer<String, Notification> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        topics.send().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.send().name()));
      Await.until(TIMEOUT, count + " notifications in " + topics.send().name(), () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> sent.add(r.value()));
        return sent.size() >= count;
      });
      // a second more: nothing beyond the 90 may follow
      consumer.poll(Duration.ofSeconds(1)).forEach(r -> sent.add(r.value()));
    }
    return sent;
  }
}
