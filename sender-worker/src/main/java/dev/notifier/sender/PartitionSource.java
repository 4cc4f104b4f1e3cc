package dev.notifier.sender;

import dev.notifier.avro.Notification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.MalformedHeaderException;
import dev.notifier.sender.retry.RetryHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a worker (the send topic, or the retry topics) with its partitions: it polls,
 * holds back retry records until they are due (pausing the partition at its head), hands the rest
 * to the dispatcher, commits what has finished, and on a rebalance gives revoked partitions back
 * cleanly — queued mail withdrawn, sends in flight finished within the drain bound, offsets
 * committed — while lost partitions are dropped without a commit.
 */
final class PartitionSource implements ConsumerRebalanceListener {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionSource.class);

  private final String name;
  private final Consumer<String, Notification> consumer;
  private final List<String> topics;
  private final OffsetTracker tracker;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration drainTimeout;
  private final IntConsumer onOwnedChange;
  private final Set<TopicPartition> owned = new HashSet<>();
  private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
  private boolean held;
  private volatile int ownedCount;
  private volatile int revocations;

  PartitionSource(String name, Consumer<String, Notification> consumer, List<String> topics,
      OffsetTracker tracker, Dispatcher dispatcher, Clock clock, Sleeper sleeper, Duration drainTimeout,
      IntConsumer onOwnedChange) {
    this.name = name;
    this.consumer = consumer;
    this.topics = topics;
    this.tracker = tracker;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.sleeper = sleeper;
    this.drainTimeout = drainTimeout;
    this.onOwnedChange = onOwnedChange;
  }

  void subscribe() {
    consumer.subscribe(topics, this);
  }

  /**
   * Holds (pauses) every owned partition, or releases them: the worker's lanes are full. A
   * partition also paused until its head is due stays paused when the hold is released.
   */
  void hold(boolean on) {
    if (on == held) {
      return;
    }
    held = on;
    if (on) {
      consumer.pause(owned);
    } else {
      consumer.resume(owned.stream().filter(p -> !pausedUntil.containsKey(p)).toList());
    }
  }

  void pollOnce(Duration timeout) {
    resumeDue();
    ConsumerRecords<String, Notification> records;
    try {
      records = consumer.poll(timeout);
    } catch (RecordDeserializationException e) {
      LOG.error("{}: the record at {} offset {} is not a readable Notification ({}); skipping it", name,
          e.topicPartition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return;
    }
    Instant now = clock.instant();
    for (ConsumerRecord<String, Notification> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (pausedUntil.containsKey(partition)) {
        continue;
      }
      Instant due;
      Delivery delivery;
      try {
        due = RetryHeaders.due(record.headers());
        delivery = Delivery.of(record);
      } catch (MalformedHeaderException e) {
        // a dead letter with the cause: thrown out of the loop, it would stop every worker taking this partition
        dispatcher.malformed(record, e);
        continue;
      }
      if (due.isAfter(now)) {
        consumer.pause(List.of(partition));
        consumer.seek(partition, record.offset());
        pausedUntil.put(partition, due);
        continue;
      }
      dispatcher.dispatch(delivery);
    }
  }

  private void resumeDue() {
    Instant now = clock.instant();
    List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> !e.getValue().isAfter(now))
        .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toList());
    if (!due.isEmpty()) {
      due.forEach(pausedUntil::remove);
      if (!held) {
        consumer.resume(due);
      }
    }
  }

  /** Commits what finished; a failure goes to the poll loop, which sorts it (see {@code SenderWorker}). */
  void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(owned);
    if (offsets.isEmpty()) {
      return;
    }
    commitSync(offsets);
    tracker.committed(offsets);
  }

  /**
   * Puts the fetch position of the partitions {@code e} names (those this consumer owns) back on
   * their committed offset, or on the beginning when none is committed or the committed one is the
   * offset out of range: no notification is skipped, and what was sent already is at worst resent.
   */
  void resetPositions(InvalidOffsetException e) {
    Set<TopicPartition> mine = new HashSet<>(e.partitions());
    mine.retainAll(consumer.assignment());
    if (mine.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> outOfRange = e instanceof OffsetOutOfRangeException o
        ? o.offsetOutOfRangePartitions() : Map.of();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(mine);
    for (TopicPartition partition : mine) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null && !Long.valueOf(offset.offset()).equals(outOfRange.get(partition))) {
        consumer.seek(partition, offset.offset());
      } else {
        consumer.seekToBeginning(List.of(partition));
      }
    }
    LOG.warn("{}: no valid fetch position for {} ({}): reading on from the committed offset, else the beginning",
        name, mine, e.getMessage());
  }

  /**
   * The last commit at shutdown, after the wake-up that ended the loop. If a rebalance is under way
   * (another worker joining or leaving), the commit is refused, and closing now would make Kafka
   * report the partitions lost, not revoked: nothing committed, so the next owner would resend
   * everything sent since the last commit. So the consumer takes part in the rebalance first —
   * polling without dispatching; what it fetches is never tracked, so never committed — and the
   * commit is retried, within {@code drainTimeout}. True when everything finished is committed.
   */
  boolean commitFinal() {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(owned);
      if (offsets.isEmpty()) {
        return true;
      }
      try {
        commitSync(offsets);
        tracker.committed(offsets);
        return true;
      } catch (RebalanceInProgressException e) {
        if (System.nanoTime() >= deadline) {
          LOG.warn("{}: final commit failed: the rebalance did not finish within {}; those notifications will be "
              + "redelivered", name, drainTimeout);
          return false;
        }
        joinRebalance();
      } catch (KafkaException e) {
        LOG.warn("{}: final commit failed ({}); those notifications will be redelivered", name, e.toString());
        return false;
      }
    }
  }

  /** One poll that only advances the group protocol: the records it returns are dropped, never dispatched. */
  private void joinRebalance() {
    try {
      consumer.poll(Duration.ofMillis(100));
    } catch (WakeupException e) {
      // the shutdown's wake-up, still pending on this consumer: it is spent now
    } catch (KafkaException e) {
      LOG.warn("{}: polling to finish the rebalance failed ({})", name, e.toString());
    }
  }

  /** A wake-up fires once: retry the commit once so it does not cost the batch. */
  private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      consumer.commitSync(offsets);
    }
  }

  /** Partitions owned now. */
  int owned() {
    return ownedCount;
  }

  /** How many times partitions were revoked or lost: a rebalance storm shows here. */
  int revocations() {
    return revocations;
  }

  /** The consumer, to bind its metrics. */
  Consumer<String, Notification> consumer() {
    return consumer;
  }

  int partitionCount(String topic) {
    return consumer.partitionsFor(topic).size();
  }

  void wakeup() {
    consumer.wakeup();
  }

  void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    int withdrawn = dispatcher.handOver(partitions);
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    // wait for sends in flight and the hand-over writes; mail handed back by a failed shutdown never finishes here
    while (tracker.working(partitions) > 0 && System.nanoTime() < deadline) {
      if (!sleeper.pause(Sleeper.DRAIN_CHECK)) {
        break;
      }
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(partitions);
    if (!offsets.isEmpty()) {
      try {
        consumer.commitSync(offsets);
      } catch (KafkaException e) {
        LOG.warn("{}: commit on revoke failed ({}); the new owner redelivers from the last commit", name,
            e.toString());
      }
    }
    LOG.info("{}: revoked {} ({} queued handed over through the wait topic)", name, partitions, withdrawn);
    revocations++;
    release(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    // someone else owns them now: commit nothing, send nothing more from them
    int withdrawn = dispatcher.withdraw(partitions);
    LOG.warn("{}: lost {} ({} queued dropped for the new owner)", name, partitions, withdrawn);
    revocations++;
    release(partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    owned.addAll(partitions);
    ownedCount = owned.size();
    if (held) {
      consumer.pause(partitions);
    }
    LOG.info("{}: assigned {}", name, partitions);
    onOwnedChange.accept(owned.size());
  }

  private void release(Collection<TopicPartition> partitions) {
    owned.removeAll(partitions);
    partitions.forEach(pausedUntil::remove);
    tracker.forget(partitions);
    ownedCount = owned.size();
    onOwnedChange.accept(owned.size());
  }
}
