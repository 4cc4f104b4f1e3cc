package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.avro.User;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.expand.RuleBookLoader;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backlog on a real broker: events published while the app was down, every mail through the policy
 * stage (a daily cap for every recipient, never reached), so each event's three candidates cross the
 * by-recipient repartition topic. The second hop (policy, render, send) must keep pace with the first
 * (parse, expand, dedup) rather than wait for it: with the consumer's default fetch of 1 MiB per
 * partition the first hop worked off the whole backlog (19,987 of 20,000 events ahead) before the second
 * rendered a mail; with {@link StreamsApp#MAX_PARTITION_FETCH_BYTES} they advance together (4,308 apart
 * at most, at start-up).
 */
class BacklogIntegrationTest {

  private static final int EVENTS = 20_000;
  private static final int GROUPS = 100;
  private static final int GROUP_SIZE = 3;
  /** The furthest the first hop may run ahead, in events: well under the whole backlog. */
  private static final long MAX_LAG = 8_000;
  private static final String APP = "backlog-it";
  private static final String CAP_EVERYONE = "\ndefaults:\n  recipient: {dailyCap: 1000000}\n";

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(4).start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void underABacklogThePolicyHopKeepsPaceWithTheEventsHop() throws Exception {
    Topics topics = Topics.withPrefix("backlog.");
    kafka.createTopics(TopicLayout.of(4).newTopics(topics));
    publishDirectory(kafka, topics, GROUPS, GROUP_SIZE);
    publishEvents(kafka, topics.events().name(), EVENTS, GROUPS);

    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, TopologySettings.defaults(topics, "default").withRules(cappedRules()));
    Properties props = StreamsApp.properties(KafkaSettings.of(kafka.bootstrapServers()),
        StreamsSettings.defaults().withApplicationId(APP)
            .withStateDir(Files.createTempDirectory("backlog-it-state").toString()));
    String repartition = APP + "-by-recipient-repartition";
    long maxLag = 0;
    long events = 0;
    long candidates = 0;
    List<String> trace = new ArrayList<>();
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props); Admin admin = kafka.admin()) {
      streams.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (candidates < (long) EVENTS * GROUP_SIZE && System.nanoTime() < deadline) {
        Thread.sleep(100);
        events = committed(admin, topics.events().name());
        candidates = committed(admin, repartition);
        maxLag = Math.max(maxLag, events - candidates / GROUP_SIZE);
        trace.add(events + "/" + candidates / GROUP_SIZE);
      }
    }

    assertThat(candidates / GROUP_SIZE).as("events through both hops").isGreaterThanOrEqualTo(EVENTS);
    assertThat(maxLag).as("how far the events' hop ran ahead of the policy hop (events / through both): %s", trace)
        .isLessThan(MAX_LAG);
  }

  private static long committed(Admin admin, String topic) throws Exception {
    return admin.listConsumerGroupOffsets(APP, new ListConsumerGroupOffsetsOptions()).partitionsToOffsetAndMetadata()
        .get().entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .mapToLong(e -> e.getValue().offset()).sum();
  }

  private static dev.notifier.streams.expand.RuleBook cappedRules() throws IOException {
    return RuleBookLoader.parse("built-in rules, every recipient capped",
        new ByteArrayInputStream(cappedRulesYaml().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The built-in rules with a daily cap for every recipient, never reached: all mail takes the policy stage's hop,
   * across the by-recipient repartition topic.
   */
  static String cappedRulesYaml() throws IOException {
    try (InputStream in = StreamsSettings.class.getResourceAsStream("/rules/default-rules.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8) + CAP_EVERYONE;
    }
  }

  /** {@code groups} groups of {@code size}: g{k} holds u{size·k} … u{size·k + size − 1}. */
  static void publishDirectory(EmbeddedKafka kafka, Topics topics, int groupCount, int size) {
    try (KafkaProducer<String, User> users = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        topics.users().valueSerde().serializer());
        KafkaProducer<String, Group> groups = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
            topics.groups().valueSerde().serializer())) {
      for (int g = 0; g < groupCount; g++) {
        List<String> members = new ArrayList<>();
        for (int m = 0; m < size; m++) {
          String id = "u" + (g * size + m);
          members.add(id);
          users.send(new ProducerRecord<>(topics.users().name(), id, User.newBuilder().setUserId(id)
              .setEmail(id + "@example.com").setDisplayName("User " + id).setLocale("en").build()));
        }
        groups.send(new ProducerRecord<>(topics.groups().name(), "g" + g,
            Group.newBuilder().setGroupId("g" + g).setMembers(members).build()));
      }
    }
  }

  /** {@code count} bug assignments ev-0 … ev-{count − 1}, event i to group g{i mod groups}, as Avro single-object bytes. */
  static void publishEvents(EmbeddedKafka kafka, String topic, int count, int groups) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, "ev-" + i, event(i, groups)));
      }
    }
  }

  private static byte[] event(int i, int groups) {
    DomainEvent e = DomainEvent.newBuilder()
        .setEventId("ev-" + i)
        .setType("bug.assigned")
        .setSource("zentao")
        .setOccurredAt(Instant.now())
        .setSubject(Subject.newBuilder().setKind("bug").setId(String.valueOf(i)).setTitle("Login fails on Safari").build())
        .setTo(List.of(Party.newBuilder().setGroupId("g" + (i % groups)).build()))
        .setCc(List.of())
        .build();
    try {
      ByteBuffer buffer = e.toByteBuffer();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
