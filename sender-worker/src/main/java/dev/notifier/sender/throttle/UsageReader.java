package dev.notifier.sender.throttle;

import dev.notifier.avro.QuotaUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the usage topic into the {@link QuotaLedger}: every partition, by assignment (each worker
 * needs all of it), from a day back. After each rebalance the ledger is marked behind until this
 * reader has reached the end offsets the topic had then — which include every send the previous
 * owner of a moved partition made, since it wrote their usage before it gave the partition up — so
 * no quota is checked against a partial count. Called from the poll thread only.
 */
public final class UsageReader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UsageReader.class);

  private final Consumer<String, QuotaUsage> consumer;
  private final String topic;
  private final QuotaLedger ledger;
  private final Set<String> accounts;
  private final Clock clock;
  private Map<TopicPartition, Long> target = Map.of();
  private Instant lastTrim = Instant.EPOCH;

  public UsageReader(Consumer<String, QuotaUsage> consumer, String topic, QuotaLedger ledger, Set<String> accounts,
      Clock clock) {
    this.consumer = consumer;
    this.topic = topic;
    this.ledger = ledger;
    this.accounts = Set.copyOf(accounts);
    this.clock = clock;
  }

  /** Assigns every partition of the usage topic and seeks to the first record of the last day. */
  public void start() {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist, and an account has a perMinute or perDay "
          + "quota, which every worker counts there: create it (retention at least 2 days) with the other topics");
    }
    consumer.assign(partitions);
    seekTo(consumer, partitions, clock.instant().minus(QuotaLedger.HORIZON));
    behind();
  }

  /** Seeks each of {@code partitions} to its first record written at or after {@code since}, else to its end. */
  public static void seekTo(Consumer<?, ?> consumer, List<TopicPartition> partitions, Instant since) {
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(p -> times.put(p, since.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp o = offsets.get(p);
      if (o == null) {
        consumer.seekToEnd(List.of(p));
      } else {
        consumer.seek(p, o.offset());
      }
    }
  }

  /** The send assignment changed: count nothing against a quota until the topic is read to its present end. */
  public void behind() {
    ledger.caughtUp(false);
    target = consumer.endOffsets(consumer.assignment());
  }

  /**
   * Whether the topic is not yet read to the end it had at the last start or assignment: quotas count nothing
   * meanwhile, so the caller's loop should come back soon rather than wait on its own poll.
   */
  public boolean catchingUp() {
    return !target.isEmpty();
  }

  /** Takes what has arrived, without waiting; marks the ledger caught up once the target is reached. */
  public void poll() {
    try {
      for (ConsumerRecord<String, QuotaUsage> record : consumer.poll(Duration.ZERO)) {
        QuotaUsage u = record.value();
        if (u != null && accounts.contains(u.getAccount())) {
          count(u);
        }
      }
    } catch (RecordDeserializationException e) {
      LOG.warn("usage record at {} offset {} is unreadable ({}); it is not counted", e.topicPartition(), e.offset(),
          e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return;
    }
    if (!target.isEmpty() && target.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
      target = Map.of();
      ledger.caughtUp(true);
    }
    Instant now = clock.instant();
    if (Duration.between(lastTrim, now).toMinutes() >= 1) {
      ledger.trim(now);
      lastTrim = now;
    }
  }

  private void count(QuotaUsage u) {
    switch (u.getKind()) {
      case RESERVED -> ledger.reserved(u.getAccount(), u.getPartition(), u.getNotificationId(), u.getWorkerId(),
          u.getReservedAt() == null ? u.getAcceptedAt() : u.getReservedAt(), u.getAcceptedAt());
      case RELEASED -> {
        if (u.getReservedAt() != null) {
          ledger.released(u.getAccount(), u.getNotificationId(), u.getWorkerId(), u.getReservedAt());
        }
      }
      default -> ledger.accepted(u.getAccount(), u.getPartition(), u.getNotificationId(), u.getWorkerId(),
          u.getAcceptedAt(), u.getReservedAt());
    }
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
  }
}
