package dev.notifier.cli.ops.backlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.ConsumerGroups;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notifier backlog} against a real broker and real consumer groups: the streams app's group has read all of
 * one events partition and 4 of 10 of another, whose oldest waiting event was published six minutes ago; a live
 * worker owns the send partitions and has committed nothing yet.
 */
class BacklogCommandIntegrationTest {

  private static final Topics TOPICS = Topics.standard();
  private static final Instant NOW = Instant.now();
  private static EmbeddedKafka kafka;
  private static KafkaConsumer<byte[], byte[]> worker;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    Properties client = KafkaSettings.of(kafka.bootstrapServers()).clientProperties();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client, new StringSerializer(),
        new ByteArraySerializer())) {
      for (int p = 0; p < 2; p++) {
        for (int i = 0; i < 10; i++) {
          // event i of a partition published 10 - i minutes ago: the first waiting, offset 4, six minutes ago
          producer.send(new ProducerRecord<>(TOPICS.events().name(), p, NOW.minus(Duration.ofMinutes(10 - i))
              .toEpochMilli(), "e" + p + "-" + i, "{}".getBytes(StandardCharsets.UTF_8))).get();
        }
      }
    }
    commit("notifier-streams", Map.of(new TopicPartition(TOPICS.events().name(), 0), 10L,
        new TopicPartition(TOPICS.events().name(), 1), 4L));

    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "notifier-senders");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "worker-a");
    worker = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    worker.subscribe(List.of(TOPICS.send().name()));
    try (Admin admin = kafka.admin()) {
      Await.until(Duration.ofSeconds(30), "the worker in its group with the send partitions", () -> {
        worker.poll(Duration.ofMillis(100));
        return worker.assignment().size() == 3 && ConsumerGroups.members(admin, "notifier-senders") == 1;
      });
    }
  }

  @AfterAll
  static void stop() {
    worker.close();
    kafka.close();
  }

  @Test
  void showsEachGroupsMembersWhatWaitsAndSinceWhen() {
    Run run = OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("streams app notifier-streams: no member (Empty)")
        .containsPattern("notifier\\.events\\s+6\\s+1\\s+6 min \\d+ s \\(since ")
        .contains("workers notifier-senders: 1 member (Stable)")
        .containsPattern("worker-a\\s+/127\\.0\\.0\\.1\\s+notifier\\.send 0-2")
        .containsPattern("notifier\\.send\\s+0\\s+0 \\(3 never committed\\)\\s+-");
  }

  @Test
  void asJsonForScripts() throws Exception {
    Run run = OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers(), "--json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode groups = new ObjectMapper().readTree(run.out()).path("groups");
    JsonNode events = groups.path(0).path("topics").path(0);
    assertThat(events.path("topic").asText()).isEqualTo(TOPICS.events().name());
    assertThat(events.path("waiting").asLong()).isEqualTo(6);
    assertThat(events.path("oldestWaiting").asText()).isEqualTo(NOW.minus(Duration.ofMinutes(6)).truncatedTo(
        java.time.temporal.ChronoUnit.MILLIS).toString());
    assertThat(groups.path(1).path("members").path(0).path("partitions")).hasSize(3);
    assertThat(groups.path(1).path("topics").path(0).path("neverCommitted").asInt()).isEqualTo(3);
  }

  @Test
  void aGroupThatNeverReadAnythingSaysSo() {
    Run run = OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers(), "--streams-app", "other");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("streams app other: no such group")
        .contains("nothing has joined or committed under this id: is it the one the processes use (--streams-app");
  }

  /**
   * A group that has read every record of a transaction is not behind, though its committed offset is one short of
   * the partition's end: the transaction's commit marker takes that offset, and no reader ever gets it.
   */
  @Test
  void aTransactionsCommitMarkerIsNotABacklog() throws Exception {
    Properties props = new Properties();
    props.putAll(KafkaSettings.of(kafka.bootstrapServers()).clientProperties());
    props.put("transactional.id", "backlog-it");
    TopicPartition audit = new TopicPartition(TOPICS.audit().name(), 0);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 2; i++) {
        producer.send(new ProducerRecord<>(audit.topic(), audit.partition(), "k", "{}".getBytes(StandardCharsets.UTF_8)));
      }
      producer.commitTransaction();
    }
    commit("audit-readers", Map.of(audit, 2L));

    Run run = OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers(), "--worker-group",
        "audit-readers", "--timeout", "5s");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("notifier\\.audit\\s+0\\s+0\\s+-");
  }

  /**
   * A streams app on {@code group.protocol: streams} (KIP-1071) is a streams group, which the consumer groups' calls
   * do not describe: it is read as one, its members owning their active tasks' partitions.
   */
  @Test
  void aStreamsAppOnTheStreamsRebalanceProtocolIsReadAsAStreamsGroup(@TempDir Path state) throws Exception {
    // Step 1: a Kafka Streams app of the streams protocol, exactly once as the notifier's, reads 6 records of 3 partitions
    String in = "kip1071.in";
    kafka.createTopics(in, "kip1071.out");
    produce(in, 6);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(in).to("kip1071.out");
    Properties props = new Properties();
    props.putAll(KafkaSettings.of(kafka.bootstrapServers()).clientProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-kip1071");
    props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    try (KafkaStreams app = new KafkaStreams(builder.build(), props)) {
      app.start();
      Await.until(Duration.ofSeconds(60), "the app running with all 6 records committed", () ->
          OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers(), "--streams-app",
              "notifier-kip1071", "--timeout", "2s").out().matches("(?s).*kip1071\\.in\\s+0\\s+0\\s+-.*")
              && app.state() == KafkaStreams.State.RUNNING);

      // Step 2: the member owns the three partitions of its tasks, and nothing waits
      Run run = OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers(), "--streams-app",
          "notifier-kip1071");
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out()).contains("streams app notifier-kip1071: 1 member (Stable)")
          .containsPattern("notifier-kip1071-\\S+\\s+/?127\\.0\\.0\\.1\\s+kip1071\\.in 0-2")
          .containsPattern("kip1071\\.in\\s+0\\s+0\\s+-");
    }

    // Step 3: stopped, it leaves the group; 3 records published since wait, counted from its committed offsets
    produce(in, 3);
    Run run = OpsTestSupport.run("backlog", "--bootstrap-server", kafka.bootstrapServers(), "--streams-app",
        "notifier-kip1071");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("streams app notifier-kip1071: no member (Empty)")
        .containsPattern("kip1071\\.in\\s+3\\s+3\\s+\\d+ s \\(since ");
  }

  /** {@code count} records round-robin over the topic's three partitions, published now. */
  private static void produce(String topic, int count) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.of(kafka.bootstrapServers())
        .clientProperties(), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "{}".getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }

  private static void commit(String group, Map<TopicPartition, Long> offsets) {
    Properties props = new Properties();
    props.putAll(KafkaSettings.of(kafka.bootstrapServers()).clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.assign(offsets.keySet());
      Map<TopicPartition, OffsetAndMetadata> commits = new java.util.HashMap<>();
      offsets.forEach((tp, o) -> commits.put(tp, new OffsetAndMetadata(o)));
      consumer.commitSync(commits);
    }
  }
}
