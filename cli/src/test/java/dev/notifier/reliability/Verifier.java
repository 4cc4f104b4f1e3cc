package dev.notifier.reliability;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Accounts for every notification, the way Kafka's own exactly-once verifier does: after a
 * scenario, each expected notification id must have been SENT (seen at the SMTP server), SKIPPED
 * with a reason, or DEAD in the dead-letter topic; anything sent twice is a duplicate, and it must
 * carry the same Message-ID.
 */
final class Verifier {

  /** How often {@link #awaitReconciled} looks at the SMTP server. */
  private static final Duration CHEAP_EVERY = Duration.ofMillis(500);
  /** How often {@link #awaitReconciled} reads the status and dead-letter topics while ids are missing. */
  private static final Duration FULL_EVERY = Duration.ofSeconds(3);

  private final Properties client;
  private final Topics topics;

  Verifier(Properties client, Topics topics) {
    this.client = client;
    this.topics = topics;
  }

  /** What became of the expected notifications. */
  record Reconciliation(int expected, int sent, int skipped, int dead, int duplicates, Set<String> missing,
      Set<String> unexpected) {

    @Override
    public String toString() {
      return String.format("expected %d, sent %d, skipped %d, dead %d, duplicates %d, missing %d, unexpected %d",
          expected, sent, skipped, dead, duplicates, missing.size(), unexpected.size());
    }
  }

  Reconciliation reconcile(Collection<String> expected, List<ReceivedMessage> smtp) {
    Map<String, Integer> sentCounts = new HashMap<>();
    for (ReceivedMessage m : smtp) {
      sentCounts.merge(notificationId(m), 1, Integer::sum);
    }
    Map<String, DeliveryStatus> latest = new HashMap<>();
    for (ConsumerRecord<String, DeliveryStatus> r : readAll(topics.status())) {
      latest.put(r.key(), r.value());
    }
    Set<String> dead = new TreeSet<>();
    for (ConsumerRecord<String, DeadLetter> r : readAll(topics.deadLetters())) {
      dead.add(r.key());
    }
    int sent = 0;
    int skipped = 0;
    int deadCount = 0;
    int duplicates = 0;
    Set<String> missing = new TreeSet<>();
    for (String id : expected) {
      int count = sentCounts.getOrDefault(id, 0);
      DeliveryStatus status = latest.get(id);
      if (count > 0) {
        sent++;
        duplicates += count - 1;
      } else if (status != null && status.getState() == DeliveryState.SKIPPED) {
        skipped++;
      } else if (dead.contains(id)) {
        deadCount++;
      } else {
        missing.add(id);
      }
    }
    Set<String> unexpected = new TreeSet<>(sentCounts.keySet());
    unexpected.removeAll(expected);
    return new Reconciliation(expected.size(), sent, skipped, deadCount, duplicates, missing, unexpected);
  }

  /**
   * Polls until every expected notification is accounted for (sent, skipped or dead); the
   * reconciliation that says so, or a failure after {@code timeout} quoting the last one. Between
   * full reconciliations (which read the status and dead-letter topics, at most every
   * {@link #FULL_EVERY} unless all ids were seen) it checks the cheap condition — all ids seen at
   * the SMTP server.
   */
  Reconciliation awaitReconciled(Collection<String> expected, Supplier<List<ReceivedMessage>> smtp,
      Duration timeout) {
    Instant[] nextFull = {Instant.now()};
    Reconciliation[] last = {null};
    return Await.forValue(timeout, "every one of " + expected.size() + " notifications sent, skipped or dead", () -> {
      List<ReceivedMessage> received = smtp.get();
      boolean allSeen = received.stream().map(Verifier::notificationId).collect(Collectors.toSet())
          .containsAll(expected);
      if (allSeen || !Instant.now().isBefore(nextFull[0])) {
        last[0] = reconcile(expected, received);
        nextFull[0] = Instant.now().plus(FULL_EVERY);
      }
      return last[0];
    }, r -> r != null && r.missing().isEmpty(), CHEAP_EVERY);
  }

  /** The messages received more than once, by notification id, in order of arrival. */
  static Map<String, List<ReceivedMessage>> duplicates(List<ReceivedMessage> smtp) {
    Map<String, List<ReceivedMessage>> byId = new LinkedHashMap<>();
    for (ReceivedMessage m : smtp) {
      byId.computeIfAbsent(notificationId(m), id -> new ArrayList<>()).add(m);
    }
    byId.values().removeIf(copies -> copies.size() < 2);
    return byId;
  }

  /** How many times each notification id is in the send topic, as a read_committed consumer sees it. */
  Map<String, Integer> sendTopicCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<String, Notification> r : readAll(topics.send())) {
      counts.merge(r.key(), 1, Integer::sum);
    }
    return counts;
  }

  static String notificationId(ReceivedMessage m) {
    String messageId = m.messageId().orElseThrow(() -> new AssertionError("a message without Message-ID: " + m));
    return messageId.substring(1, messageId.indexOf('@'));
  }

  /** Everything in a topic up to its current end, read committed. */
  <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, ReliabilityCluster.MAX_EVENT_MESSAGE_BYTES);
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Instant deadline = Instant.now().plusSeconds(60);
      while (Instant.now().isBefore(deadline)
          && !ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
