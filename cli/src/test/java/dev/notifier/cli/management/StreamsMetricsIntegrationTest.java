package dev.notifier.cli.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.TopologyProgress;
import dev.notifier.streams.dedup.DedupProcessor;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streams app on a real broker behind its management endpoint: readiness follows Kafka Streams
 * to RUNNING, and after the demo's directory and events the scrape's counters say what the topics
 * say — events in, invalid, notifications out, skipped by reason, duplicates dropped — and every
 * notification's release is timed from its event's publication.
 */
class StreamsMetricsIntegrationTest {

  private static final String APPLICATION_ID = "metrics-it";
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private static EmbeddedKafka kafka;
  private final Topics topics = Topics.standard();

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(3).start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void theScrapeCountsWhatTheTopologyDid() throws Exception {
    // Step 1: configure topics, the app and its management endpoint on a free loopback port
    kafka.createTopics(TopicLayout.of(3).newTopics(topics));
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    StreamsSettings streams = StreamsSettings.defaults().withApplicationId(APPLICATION_ID)
        .withStateDir(Files.createTempDirectory("metrics-it-state").toString());
    try (ProcessMetrics metrics = new ProcessMetrics();
        StreamsApp app = new StreamsApp(settings, streams, AccountRouter.single("default"), metrics.registry());
        ManagementServer server = ManagementServer.start(ManagementSettings.loopback(0), metrics,
            new StreamsHealth(app::state))) {
      int port = server.port();
      HttpResponse<String> notYet = Scrape.get(port, Management.READINESS_PATH);
      assertThat(notYet.statusCode()).isEqualTo(503);
      assertThat(notYet.body()).isEqualTo("not ready: streams state CREATED\n");
      assertThat(Scrape.get(port, Management.LIVENESS_PATH).statusCode()).isEqualTo(200);

      app.start();
      assertThat(app.awaitRunning(Duration.ofSeconds(60))).as("streams RUNNING").isTrue();
      HttpResponse<String> ready = Scrape.get(port, Management.READINESS_PATH);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ready\n");

      // Step 2: produce the demo's directory and events (11 JSON, 1 Avro, 1 garbage record)
      publishDemo(settings, app);
      awaitTopologyIdle();

      // Step 3: verify the scrape against the topics and against the demo's known outcome
      String scrape = Scrape.get(port, Management.METRICS_PATH).body();
      scrape.lines().filter(l -> l.startsWith("notifier_")).forEach(System.out::println);
      List<ConsumerRecord<String, Notification>> sent = readAll(settings, topics.send());
      List<ConsumerRecord<String, DeliveryStatus>> statuses = readAll(settings, topics.status());
      List<ConsumerRecord<String, byte[]>> invalid = readAll(settings, topics.invalidEvents());

      assertThat(Scrape.total(scrape, "notifier_events_in_total")).isEqualTo(12.0);
      assertThat(Scrape.byLabel(scrape, "notifier_events_in_total", "type")).containsEntry("bug.assigned", 2.0)
          .containsEntry("bug.closed", 1.0).containsEntry("wiki.pageEdited", 1.0).hasSize(11);
      assertThat(invalid).hasSize(1);
      assertThat(Scrape.byLabel(scrape, "notifier_events_invalid_total", "reason"))
          .isEqualTo(Map.of("unknown-encoding", 1.0));

      // 18 sent and 1 dead letter in the demo: 19 notifications, all through the one account
      assertThat(sent).hasSize(19);
      assertThat(Scrape.total(scrape, "notifier_notifications_out_total")).isEqualTo(sent.size());
      assertThat(Scrape.byLabel(scrape, "notifier_notifications_out_total", "account"))
          .isEqualTo(Map.of("default", 19.0));
      assertThat(Scrape.byLabel(scrape, "notifier_notifications_out_total", "template"))
          .isEqualTo(countBy(sent, r -> r.value().getTemplate()));

      // every SKIPPED status written counts, the re-published event's too (the ledger keeps one per key)
      Map<String, Double> skippedWritten = countBy(statuses.stream()
          .filter(r -> r.value().getState() == DeliveryState.SKIPPED).toList(), r -> r.value().getReason());
      assertThat(Scrape.byLabel(scrape, "notifier_notifications_skipped_total", "reason")).isEqualTo(skippedWritten);
      assertThat(skippedWritten.keySet()).containsExactlyInAnyOrder("actor", "inactive", "no-email", "no-rule",
          "unknown-user");
      Map<String, Double> skippedDistinct = countBy(statuses.stream()
          .filter(r -> r.value().getState() == DeliveryState.SKIPPED)
          .collect(java.util.stream.Collectors.toMap(ConsumerRecord::key, r -> r, (a, b) -> a)).values().stream()
          .toList(), r -> r.value().getReason());
      assertThat(skippedDistinct).isEqualTo(Map.of("actor", 2.0, "inactive", 1.0, "no-email", 1.0, "no-rule", 1.0,
          "unknown-user", 1.0));

      assertThat(Scrape.total(scrape, "notifier_duplicates_dropped_total")).isEqualTo(8.0)
          .isEqualTo(kafkaStreamsTotal(app, DedupProcessor.DROPPED_METRIC));
      assertThat(Scrape.total(scrape, "notifier_events_keyed_otherwise_total")).isZero();

      // every notification was released as soon as its event was processed (the demo's digests need more edits)
      // and is timed from its event's record timestamp, within the minute the test took
      Map<String, Double> released = Scrape.byLabel(scrape, "notifier_release_delay_seconds_count", "priority");
      assertThat(released).containsOnlyKeys("CRITICAL", "NORMAL", "BULK")
          .containsAllEntriesOf(countBy(sent, r -> r.value().getPriority().name()));
      assertThat(Scrape.total(scrape, "notifier_release_delay_seconds_count")).isEqualTo(sent.size());
      assertThat(Scrape.samples(scrape)).filteredOn(s -> s.name().equals("notifier_release_delay_seconds_bucket"))
          .extracting(s -> s.labels().get("le")).contains("0.005", "0.05", "0.15", "60.0", "21600.0", "+Inf");
      assertThat(Scrape.samples(scrape)).filteredOn(s -> s.name().equals("notifier_release_delay_seconds_bucket")
              && s.labels().get("le").equals("60.0")).extracting(Scrape.Sample::value).as("released within a minute")
          .containsExactlyInAnyOrderElementsOf(released.values());

      assertThat(Scrape.total(scrape, "notifier_ready")).isEqualTo(1.0);
      assertThat(scrape).contains("kafka_stream_").contains("kafka_consumer_").contains("kafka_producer_")
          .contains("jvm_memory_used_bytes");
      assertThat(Scrape.samples(scrape)).flatMap(s -> s.labels().values()).noneMatch(v -> v.contains("@"));
    }
  }

  private void publishDemo(KafkaSettings settings, StreamsApp app) throws Exception {
    try (Publisher publisher = new Publisher(settings.clientProperties(), topics)) {
      int users = publisher.publish(demo("users.jsonl"), RecordKind.USERS, false).published();
      int groups = publisher.publish(demo("groups.jsonl"), RecordKind.GROUPS, false).published();
      assertThat(app.awaitDirectory(users, groups, Duration.ofSeconds(60))).as("directory loaded").isTrue();
      assertThat(publisher.publish(demo("events.jsonl"), RecordKind.EVENTS, false).published()).isEqualTo(11);
      assertThat(publisher.publish(demo("events-avro.jsonl"), RecordKind.EVENTS, true).published()).isEqualTo(1);
      publisher.publishRawEvent("garbage-1", new byte[] {0x13, 0x37, (byte) 0xFF, 0x00, 0x42});
      publisher.flush();
    }
  }

  private static BufferedReader demo(String name) {
    return new BufferedReader(new InputStreamReader(
        StreamsMetricsIntegrationTest.class.getResourceAsStream("/demo/" + name), StandardCharsets.UTF_8));
  }

  /** Waits until the topology has committed every input, its repartition topic's too. */
  private void awaitTopologyIdle() {
    try (Admin admin = kafka.admin()) {
      TopologyProgress progress = new TopologyProgress(admin, APPLICATION_ID, topics.events().name());
      assertThat(progress.inputs()).as("the events and the policy stage's repartition topic").hasSize(2);
      Await.until(DEADLINE, "every input of the topology committed", progress::idle);
    }
  }

  /** Every committed record of a topic, read from the beginning to its current end. */
  private static <V> List<ConsumerRecord<String, V>> readAll(KafkaSettings settings, Topic<String, V> topic) {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
        topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (System.nanoTime() < deadline
          && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static <T> Map<String, Double> countBy(List<T> items, java.util.function.Function<T, String> key) {
    Map<String, Double> counts = new TreeMap<>();
    items.forEach(item -> counts.merge(key.apply(item), 1.0, Double::sum));
    return counts;
  }

  private static double kafkaStreamsTotal(StreamsApp app, String sensor) {
    return app.streams().metrics().values().stream()
        .filter(m -> m.metricName().name().equals(sensor + "-total"))
        .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
  }
}
