package dev.notifier.cli.ops;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;

/** What the operator-tool integration tests share: running the command, creating topics, waiting on the ledger. */
public final class OpsTestSupport {

  private OpsTestSupport() {
  }

  /** A command's exit code and what it wrote. */
  public record Run(int code, String out, String err) {
  }

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = NotifierCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  public static void createTopics(EmbeddedKafka kafka, Topics topics) {
    for (Topic<?, ?> topic : topics.all()) {
      kafka.createTopic(topic.name(), 3, topics.isCompacted(topic) ? Map.of("cleanup.policy", "compact") : Map.of());
    }
  }

  /** The sum of the end offsets (committed or not) of every partition of {@code topic}. */
  public static long endOffsetSum(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer())) {
      List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map((PartitionInfo p) -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
      consumer.assign(tps);
      return consumer.endOffsets(tps, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Reads the status topic until every notification in {@code expected} has that latest state, or
   * fails after {@code timeout}; returns the latest status per id.
   */
  public static Map<String, DeliveryStatus> awaitStates(String bootstrap, Topics topics,
      Map<String, DeliveryState> expected, Duration timeout) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "ops-test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, DeliveryStatus> latest = new HashMap<>();
    try (KafkaConsumer<String, DeliveryStatus> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
        topics.status().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.status().name()));
      Await.forValue(timeout, "the ledger reaching " + expected, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
        return states(latest);
      }, states -> reached(states, expected));
    }
    return latest;
  }

  private static Map<String, DeliveryState> states(Map<String, DeliveryStatus> latest) {
    Map<String, DeliveryState> states = new TreeMap<>();
    latest.forEach((id, status) -> states.put(id, status.getState()));
    return states;
  }

  private static boolean reached(Map<String, DeliveryState> states, Map<String, DeliveryState> expected) {
    return expected.entrySet().stream().allMatch(e -> states.get(e.getKey()) == e.getValue());
  }
}
