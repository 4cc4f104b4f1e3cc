package dev.notifier.cli.ops;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;

/** What the operator-tool integration tests share: running the command, a config file, waiting on the ledger. */
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

  /**
   * A config file for the cluster at {@code bootstrap} with topics under {@code prefix}, one local
   * account on a port nobody listens on, and the YAML lines {@code more} (e.g. a topics section).
   */
  public static Path configFile(String bootstrap, String prefix, String... more) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "kafka:",
        "  bootstrapServers: " + bootstrap,
        "  topicPrefix: \"" + prefix + "\"",
        "accounts:",
        "  - {id: local, systemDefault: true, host: 127.0.0.1, port: 2525, security: none, "
            + "from: noreply@example.com}",
        "management: {host: 127.0.0.1, port: 0}"));
    lines.addAll(List.of(more));
    Path file = Files.createTempFile("notifier-", ".yaml");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  /** The topics the broker has whose names start with {@code prefix}. */
  public static Set<String> topicsUnder(Admin admin, String prefix) {
    try {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(n -> n.startsWith(prefix))
          .collect(Collectors.toSet());
    } catch (Exception e) {
      throw new IllegalStateException("cannot list the topics", e);
    }
  }

  /** The effective value of config {@code key} of {@code topic}. */
  public static String topicConfig(Admin admin, String topic, String key) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(key).value();
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe the configs of " + topic, e);
    }
  }

  /** Sets config {@code key} of {@code topic} to {@code value}, as an operator would, and waits until the broker shows it. */
  public static void setTopicConfig(Admin admin, String topic, String key, String value) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value),
        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    Await.until(Duration.ofSeconds(30), topic + " showing " + key + "=" + value,
        () -> value.equals(topicConfig(admin, topic, key)));
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
