package dev.notifier.cli.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic once, bounded: assigns every partition (no consumer group, nothing
 * committed), seeks to the beginning and reads up to the end offsets captured at the start, so a
 * topic that keeps growing still ends. Reads committed records only, like the workers do; the end
 * of a read_committed consumer is the last stable offset, so an open transaction is not waited for.
 */
public final class TopicReader {

  private static final Duration POLL = Duration.ofMillis(200);

  private final Properties clientProperties;
  private final Duration timeout;
  private final Clock clock;

  public TopicReader(Properties clientProperties, Duration timeout, Clock clock) {
    this.clientProperties = clientProperties;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** Passes each record of {@code topic} below the end offsets to {@code sink}; returns how many. */
  public long read(String topic, Consumer<ConsumerRecord<String, byte[]>> sink) {
    Instant deadline = clock.instant().plus(timeout);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties(), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, topic);
      // assigned before the end offsets are asked for, so the answer updates an assignment
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      Set<TopicPartition> pending = new HashSet<>(partitions);
      pending.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      long count = 0;
      while (!pending.isEmpty()) {
        if (clock.instant().isAfter(deadline)) {
          throw new OpsException("reading " + topic + " did not reach its end within " + timeout.toSeconds()
              + "s (" + describe(consumer, pending, end) + "): raise --timeout, e.g. --timeout 5m");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
            sink.accept(record);
            count++;
          }
        }
        pending.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      }
      return count;
    } catch (TimeoutException e) {
      throw new OpsException("Kafka at " + clientProperties.getProperty("bootstrap.servers") + " did not answer within "
          + timeout.toSeconds() + "s while reading " + topic + ": check --bootstrap-server (or kafka.bootstrapServers "
          + "and the security settings in --config), or raise --timeout", e);
    }
  }

  private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new OpsException("topic " + topic + " does not exist on " + clientProperties.getProperty("bootstrap.servers")
          + ": check --bootstrap-server and the topic prefix (kafka.topicPrefix in --config)");
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
  }

  private String describe(KafkaConsumer<?, ?> consumer, Set<TopicPartition> pending, Map<TopicPartition, Long> end) {
    return pending.stream().sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
        .map(tp -> "partition " + tp.partition() + " at " + consumer.position(tp) + " of " + end.get(tp))
        .collect(Collectors.joining(", "));
  }

  private Properties properties() {
    return groupless(clientProperties);
  }

  /**
   * {@code clientProperties} for a consumer that reads as the workers do, in no group: committed records only,
   * partitions assigned by hand, nothing ever committed, no topic created by asking for it.
   */
  public static Properties groupless(Properties clientProperties) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    // only what a committed transaction made visible, as the workers see it
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // no consumer group: partitions are assigned by hand and no offset is ever committed
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // a misspelt topic must be reported, not created
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-ops-reader");
    return props;
  }
}
