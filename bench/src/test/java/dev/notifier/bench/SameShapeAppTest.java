package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.User;
import dev.notifier.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same-shape baseline and each variant of it with a part left out still do the notifier's job on the same
 * input: a new event to a group of three becomes three notifications and three QUEUED statuses, and a repeated
 * event nothing — but in the variant without the dedup store.
 */
class SameShapeAppTest {

  static final Topics TOPICS = Topics.withPrefix("shape-test.");
  static final Notification SAMPLE = MailContent.notification("sample", 0, "primary");

  @TempDir
  Path state;

  static Stream<Set<SameShapeApp.Part>> variants() {
    return Stream.concat(Stream.of(EnumSet.noneOf(SameShapeApp.Part.class)),
        Stream.of(SameShapeApp.Part.values()).map(EnumSet::of));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void aNewEventBecomesThreeNotificationsAndThreeStatusesARepeatedOneNothing(Set<SameShapeApp.Part> without) {
    Topology app = SameShapeApp.build(TOPICS, "events", Duration.ofHours(24), SAMPLE, without);
    try (TopologyTestDriver driver = new TopologyTestDriver(app, props(state))) {
      var users = driver.createInputTopic(TOPICS.users().name(), new StringSerializer(),
          TOPICS.users().valueSerde().serializer());
      var groups = driver.createInputTopic(TOPICS.groups().name(), new StringSerializer(),
          TOPICS.groups().valueSerde().serializer());
      for (String id : List.of("u0", "u1", "u2")) {
        users.pipeInput(id, User.newBuilder().setUserId(id).setEmail(id + "@example.com").setDisplayName(id)
            .setLocale("en").build());
      }
      groups.pipeInput("g0", Group.newBuilder().setGroupId("g0").setMembers(List.of("u0", "u1", "u2")).build());
      var events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
      byte[] first = BenchKafka.event("test", 0, "Login fails");
      events.pipeInput("test-0", first);
      events.pipeInput("test-0", first);
      events.pipeInput("test-100", BenchKafka.event("test", 100, "Login fails again"));

      List<Notification> mail = driver.createOutputTopic(TOPICS.send().name(), new StringDeserializer(),
          TOPICS.send().valueSerde().deserializer()).readValuesToList();
      List<DeliveryStatus> statuses = driver.createOutputTopic(TOPICS.status().name(), new StringDeserializer(),
          TOPICS.status().valueSerde().deserializer()).readValuesToList();

      int expected = without.contains(SameShapeApp.Part.DEDUP) ? 9 : 6;
      assertThat(mail).hasSize(expected);
      assertThat(statuses).hasSize(expected).allSatisfy(s -> assertThat(s.getState()).isEqualTo(DeliveryState.QUEUED));
      assertThat(mail).allSatisfy(n -> assertThat(n.getTextBody()).isEqualTo(SAMPLE.getTextBody()));
      if (!without.contains(SameShapeApp.Part.AVRO_OUT)) {
        assertThat(mail).extracting(n -> n.getRecipient().getEmail()).containsOnly("u0@example.com",
            "u1@example.com", "u2@example.com");
        assertThat(mail).extracting(Notification::getEventId).containsOnly("test-0", "test-100");
      }
    }
  }

  static Properties props(Path state) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "shape-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    return p;
  }
}
