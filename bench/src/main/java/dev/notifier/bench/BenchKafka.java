package dev.notifier.bench;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.avro.User;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker side of the scenarios: topics per prefix, the load (a directory, events that fan out
 * to the three members of a group, ready notifications), and progress read from a consumer
 * group's committed offsets (for exactly-once, committed means the output is committed too).
 */
final class BenchKafka {

  static final int GROUPS = 100;
  static final int GROUP_SIZE = 3;

  private final EmbeddedKafka kafka;
  private final int partitions;

  BenchKafka(EmbeddedKafka kafka, int partitions) {
    this.kafka = kafka;
    this.partitions = partitions;
  }

  EmbeddedKafka embedded() {
    return kafka;
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  Admin admin() {
    return kafka.admin();
  }

  int partitions() {
    return partitions;
  }

  /** Creates every product topic under {@code topics}' prefix, as the catalogue lays them out. */
  void createTopics(Topics topics) {
    kafka.createTopics(TopicLayout.of(partitions).newTopics(topics));
  }

  void createTopic(String name) {
    kafka.createTopic(name, partitions, Map.of());
  }

  /** A consumer's properties for group {@code groupId}: from the earliest offset, no auto-created topics. */
  Properties consumerProps(String groupId) {
    return kafka.consumerProps(groupId);
  }

  Properties producerProps() {
    Properties props = kafka.producerProps();
    // a loader that batches: the load is produced before the clock starts
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    return props;
  }

  /** 300 users in 100 groups of three: group g{k} holds u{3k}, u{3k+1}, u{3k+2}. */
  void publishDirectory(Topics topics) {
    try (KafkaProducer<String, User> users = new KafkaProducer<>(producerProps(), new StringSerializer(),
        topics.users().valueSerde().serializer());
        KafkaProducer<String, Group> groups = new KafkaProducer<>(producerProps(), new StringSerializer(),
            topics.groups().valueSerde().serializer())) {
      for (int g = 0; g < GROUPS; g++) {
        List<String> members = new ArrayList<>();
        for (int m = 0; m < GROUP_SIZE; m++) {
          String id = "u" + (g * GROUP_SIZE + m);
          members.add(id);
          users.send(new ProducerRecord<>(topics.users().name(), id, User.newBuilder().setUserId(id)
              .setEmail(id + "@example.com").setDisplayName("User " + id).setLocale("en").build()));
        }
        groups.send(new ProducerRecord<>(topics.groups().name(), "g" + g,
            Group.newBuilder().setGroupId("g" + g).setMembers(members).build()));
      }
      users.flush();
      groups.flush();
    }
  }

  /**
   * Event {@code i} as Avro single-object bytes: bug.assigned (even {@code i}) or bug.edited (odd) to
   * group g{i % 100}, no actor — two event types, so a variant can digest one of them.
   */
  static byte[] event(String run, int i, String title) {
    DomainEvent e = DomainEvent.newBuilder()
        .setEventId(run + "-" + i)
        .setType(i % 2 == 0 ? "bug.assigned" : "bug.edited")
        .setSource("zentao")
        .setOccurredAt(Instant.now())
        .setSubject(Subject.newBuilder().setKind("bug").setId(String.valueOf(i)).setTitle(title).build())
        .setTo(List.of(Party.newBuilder().setGroupId("g" + (i % GROUPS)).build()))
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

  /** Produces {@code count} events to {@code topic}, waits until all are acknowledged. */
  void publishEvents(String topic, String run, int count) {
    byte[] sample = event(run, 0, "Login fails on Safari");
    produce(topic, count, i -> run + "-" + i, i -> i == 0 ? sample : event(run, i, "Login fails on Safari"),
        org.apache.kafka.common.serialization.Serdes.ByteArray().serializer());
  }

  /** Produces {@code count} ready notifications for {@code account}, spread evenly over the partitions. */
  void publishNotifications(Topics topics, String run, int count, String account) {
    produce(topics.send().name(), count, i -> run + "-" + i, i -> MailContent.notification(run, i, account),
        topics.send().valueSerde().serializer());
  }

  private <V> void produce(String topic, int count, IntFunction<String> key, IntFunction<V> value,
      Serializer<V> serializer) {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
        serializer)) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, i % partitions, key.apply(i), value.apply(i)));
      }
      producer.flush();
    }
  }

  /** The sum of {@code group}'s committed offsets on {@code topic} (records consumed and committed). */
  static long committed(Admin admin, String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (ExecutionException e) {
      return 0;
    }
  }

  /** The sum of {@code topic}'s end offsets. */
  long endOffsets(String topic) throws Exception {
    return sumOffsets(topic, OffsetSpec.latest());
  }

  /** The sum of {@code topic}'s log start offsets: below them, records are deleted. */
  long startOffsets(String topic) throws Exception {
    return sumOffsets(topic, OffsetSpec.earliest());
  }

  private long sumOffsets(String topic, OffsetSpec spec) throws Exception {
    return offsets(topic, spec).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Each partition's offset of {@code topic} that {@code spec} names. */
  Map<TopicPartition, Long> offsets(String topic, OffsetSpec spec) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        specs.put(new TopicPartition(topic, p), spec);
      }
      Map<TopicPartition, Long> offsets = new HashMap<>();
      admin.listOffsets(specs).all().get().forEach((tp, info) -> offsets.put(tp, info.offset()));
      return offsets;
    }
  }

  /** Counts the committed records of {@code topic}, up to {@code expected} or its end, within {@code cap}. */
  long countRecords(String topic, long expected, Duration cap) throws Exception {
    long end = endOffsets(topic);
    Properties props = kafka.consumerProps("bench-counter-" + System.nanoTime());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    long count = 0;
    long deadline = System.nanoTime() + cap.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        parts.add(new TopicPartition(topic, p));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (count < expected && System.nanoTime() < deadline) {
        count += consumer.poll(Duration.ofMillis(200)).count();
        long position = 0;
        for (TopicPartition tp : parts) {
          position += consumer.position(tp);
        }
        if (position >= end) {
          break;
        }
      }
    }
    return count;
  }

  /**
   * Watches a count rise to {@code target} or until {@code cap}; the rate is taken from the first
   * sample above zero (start-up and rebalancing excluded) to the last change.
   */
  static Progress watch(LongSupplier count, long target, Duration cap) throws InterruptedException {
    return watch(count, target, cap, cap);
  }

  /**
   * As {@link #watch(LongSupplier, long, Duration)}, and stops {@code window} after the first sample
   * above zero: a run measured over a fixed time, whatever its speed, from a load large enough for
   * the fastest.
   */
  static Progress watch(LongSupplier count, long target, Duration cap, Duration window) throws InterruptedException {
    return watch(count, target, cap, window, () -> { });
  }

  /** As {@link #watch(LongSupplier, long, Duration, Duration)}, running {@code atFirst} at the first sample above zero. */
  static Progress watch(LongSupplier count, long target, Duration cap, Duration window, Runnable atFirst)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + cap.toNanos();
    long firstAt = -1;
    long firstCount = 0;
    long lastAt = start;
    long last = 0;
    while (System.nanoTime() < deadline) {
      long now = count.getAsLong();
      long t = System.nanoTime();
      if (now > 0 && firstAt < 0) {
        firstAt = t;
        firstCount = now;
        atFirst.run();
        deadline = Math.min(deadline, t + window.toNanos());
      }
      if (now != last) {
        last = now;
        lastAt = t;
      }
      if (now >= target) {
        break;
      }
      Thread.sleep(25);
    }
    return new Progress(target, last, firstCount, firstAt < 0 ? lastAt : firstAt, lastAt, System.nanoTime() - start);
  }

  /**
   * What a watched run achieved.
   *
   * @param target how many were asked for
   * @param done how many finished within the cap
   * @param firstCount the count at the first sample above zero
   * @param firstAt when that sample was taken (System.nanoTime)
   * @param lastAt when the count last changed
   * @param wallNanos from the start of watching to its end
   */
  record Progress(long target, long done, long firstCount, long firstAt, long lastAt, long wallNanos) {

    double rate() {
      // a run that finished between two samples has no interval of its own: take the whole watch
      return lastAt > firstAt && done > firstCount ? Stats.rate(done - firstCount, lastAt - firstAt)
          : Stats.rate(done, wallNanos);
    }

    /** Finished within the measured window (after the first sample above zero). */
    long inWindow() {
      return done - firstCount;
    }

    boolean complete() {
      return done >= target;
    }

    String completion() {
      return complete() ? String.valueOf(done) : done + " of " + target + " (capped)";
    }
  }
}
