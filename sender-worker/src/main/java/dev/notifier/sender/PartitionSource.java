package dev.notifier.sender;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.MalformedHeaderException;
import dev.notifier.sender.retry.RetryHeaders;
import dev.notifier.schemas.integrity.Keyring;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.CloseOptions;
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
  /** A wait shorter than this is waited out at the head of its partition instead of hopping to another tier. */
  static final Duration SHORTEST_HOP = dev.notifier.schemas.Topics.WAIT_TIERS.get(1);
  /**
   * How long a record waits before its writer's schema is looked up again when the schema topic, or the
   * schema registry, cannot be read.
   */
  static final Duration SCHEMA_RETRY = Duration.ofSeconds(5);

  private final Consumer<String, byte[]> consumer;
  private final NotificationDecoder decoder;
  private final ToIntFunction<TopicPartition> sendPartition;
  private final List<String> topics;
  private final OffsetTracker tracker;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration drainTimeout;
  private final OwnershipListener onOwnedChange;
  private final Keyring integrity;
  private final Set<TopicPartition> owned = new HashSet<>();
  private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
  /** Owned partitions nothing is fetched from until the worker lets them go ({@link #holdBack}). */
  private final Set<TopicPartition> heldBack = new HashSet<>();
  private boolean held;
  private boolean subscribed;
  private volatile int ownedCount;
  private volatile int revocations;

  PartitionSource(String name, Consumer<String, byte[]> consumer, NotificationDecoder decoder, List<String> topics,
      ToIntFunction<TopicPartition> sendPartition, OffsetTracker tracker, Dispatcher dispatcher,
      Clock clock, Sleeper sleeper, Duration drainTimeout, OwnershipListener onOwnedChange) {
    this(name, consumer, decoder, topics, sendPartition, tracker, dispatcher, clock, sleeper, drainTimeout,
        onOwnedChange, Keyring.off());
  }

  /** As above, checking each record's signature with {@code integrity} (see {@link #take}). */
  PartitionSource(String name, Consumer<String, byte[]> consumer, NotificationDecoder decoder, List<String> topics,
      ToIntFunction<TopicPartition> sendPartition, OffsetTracker tracker, Dispatcher dispatcher,
      Clock clock, Sleeper sleeper, Duration drainTimeout, OwnershipListener onOwnedChange, Keyring integrity) {
    this.integrity = integrity;
    this.name = name;
    this.consumer = consumer;
    this.decoder = decoder;
    this.sendPartition = sendPartition;
    this.topics = topics;
    this.tracker = tracker;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.sleeper = sleeper;
    this.drainTimeout = drainTimeout;
    this.onOwnedChange = onOwnedChange;
  }

  /** Told the partitions owned after every change; {@code lost} when they went without a clean hand-over. */
  interface OwnershipListener {
    void owned(Set<TopicPartition> owned, boolean lost);
  }

  void subscribe() {
    subscribed = true;
    consumer.subscribe(topics, this);
  }

  /**
   * Owns exactly {@code wanted} from now on, by assignment rather than by a group of its own: the
   * partitions given up are handed over and committed as on a revoke (or dropped, when
   * {@code lost}), the new ones start from their committed offsets.
   */
  void assignExactly(Collection<TopicPartition> wanted, boolean lost) {
    List<TopicPartition> gone = owned.stream().filter(p -> !wanted.contains(p)).toList();
    List<TopicPartition> added = wanted.stream().filter(p -> !owned.contains(p)).toList();
    if (!gone.isEmpty()) {
      if (lost) {
        onPartitionsLost(gone);
      } else {
        onPartitionsRevoked(gone);
      }
    }
    if (gone.isEmpty() && added.isEmpty()) {
      return;
    }
    consumer.assign(wanted);
    if (!added.isEmpty()) {
      onPartitionsAssigned(added);
    }
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
      resume(owned);
    }
  }

  /**
   * Fetches again those of {@code partitions} nothing keeps paused: they are owned, the lanes are not held, no head
   * waits until it is due, and none is held back.
   */
  private void resume(Collection<TopicPartition> partitions) {
    if (!held) {
      consumer.resume(partitions.stream().filter(p -> owned.contains(p) && !pausedUntil.containsKey(p)
          && !heldBack.contains(p)).toList());
    }
  }

  /**
   * From now on exactly {@code partitions} (of those owned) are held back: nothing is fetched from them, so their mail
   * waits in Kafka, unread; partitions held back before and not now are fetched again. The worker holds back send
   * partitions just added ({@link NewPartitions}).
   */
  void holdBack(Set<TopicPartition> partitions) {
    List<TopicPartition> released = heldBack.stream().filter(p -> !partitions.contains(p)).toList();
    heldBack.clear();
    partitions.stream().filter(owned::contains).forEach(heldBack::add);
    consumer.pause(heldBack);
    resume(released);
  }

  void pollOnce(Duration timeout) {
    if (!subscribed && owned.isEmpty()) {
      return; // assigned by hand, and nothing assigned: a worker that owns no send partition
    }
    resumeDue();
    ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
    Instant now = clock.instant();
    for (ConsumerRecord<String, byte[]> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (pausedUntil.containsKey(partition) || !owned.contains(partition)) {
        continue;
      }
      take(partition, record, now);
    }
    // The consumer's next offsets go past a transaction's marker, which the last record's offset + 1 stops before:
    // a partition whose records were all taken may commit up to them. One held back in this poll (paused at a
    // record not due, and sought back to it) may not, or the commit would pass the record it waits at.
    records.nextOffsets().forEach((partition, next) -> {
      if (owned.contains(partition) && !pausedUntil.containsKey(partition)) {
        tracker.readUpTo(partition, next.offset());
      }
    });
  }

  /**
   * One record: its retry headers read (a malformed one makes it a dead letter), held back until
   * its tier's due time (the partition paused at it), sent on to a shorter wait tier while its wait
   * lasts, decoded (an undecodable one becomes a dead letter; while the schema topic or the schema
   * registry cannot be read, it is tried again later), checked for addressing of its own, then dispatched.
   * With {@code integrity.mode: require}, a record whose signature is missing, by a key not in the ring, malformed
   * or not matching its key and value bytes is a {@code POLICY} dead letter (kind {@code signature-…}) and is never
   * sent; with {@code sign} it is sent and logged.
   */
  private void take(TopicPartition partition, ConsumerRecord<String, byte[]> record, Instant now) {
    Instant due;
    Instant until;
    int attempts;
    Instant firstFailure;
    try {
      due = RetryHeaders.due(record.headers());
      until = RetryHeaders.waitUntil(record.headers());
      attempts = RetryHeaders.attempts(record.headers());
      firstFailure = RetryHeaders.firstFailure(record.headers());
    } catch (MalformedHeaderException e) {
      // a dead letter with the cause: thrown out of the loop, it would stop every worker taking this partition
      dispatcher.unreadable(record, Action.MALFORMED_HEADERS, e);
      return;
    }
    if (due.isAfter(now)) {
      holdAt(partition, record.offset(), due);
      return;
    }
    Duration left = until == null ? Duration.ZERO : Duration.between(now, until);
    if ((!left.isNegative() && !left.isZero()) && left.compareTo(SHORTEST_HOP) < 0) {
      holdAt(partition, record.offset(), until);
      return;
    }
    // the signature is checked over the bytes as they came, before anything reads them
    Keyring.Verdict signature = integrity.signs() ? integrity.check(record.headers(), record.key(), record.value())
        : null;
    boolean refuse = signature != null && !signature.valid() && integrity.requires();
    if (signature != null && !signature.valid() && !refuse) {
      LOG.warn("{}: the record at {} offset {} has no valid signature ({}); sent anyway (integrity.mode: sign)", name,
          partition, record.offset(), signature.reason());
    }
    Notification notification;
    Optional<String> forged;
    try {
      notification = decoder.decode(record.value());
      forged = decoder.forgedSender(record);
    } catch (KafkaSchemaStore.Unavailable e) {
      notYet(partition, record, now, e);
      return;
    } catch (IOException | RuntimeException e) {
      if (RegistryUnavailableException.isCauseOf(e)) {
        // the record is not invalid: its schema registry did not answer; a dead letter now would lose good mail
        notYet(partition, record, now, e);
        return;
      }
      if (refuse) {
        dispatcher.unreadable(record, Action.POLICY, new IOException(signature.deadLetterKind() + ": "
            + signature.reason() + " (and it cannot be read: " + e.getMessage() + ")", e));
        return;
      }
      dispatcher.unreadable(record, Action.UNDECODABLE, e);
      return;
    }
    Delivery delivery = new Delivery(record, notification, attempts, firstFailure, sendPartition.applyAsInt(partition));
    if (refuse) {
      dispatcher.refused(delivery, new Classification(Action.POLICY, false, signature.deadLetterKind(),
          "the record has no valid signature: " + signature.reason() + " (integrity.mode: require). It was not "
          + "sent: it was written by something other than the streams app, a worker or a replay holding a key of "
          + "integrity.keys, or changed after; find what wrote it. If it is a notifier process without the key, "
          + "give it the key, then run notifier dlt replay --class POLICY"));
      return;
    }
    if (forged.isPresent()) {
      dispatcher.refused(delivery, new Classification(Action.POLICY, false, "sender-forged", "the record asks for "
          + "addressing of its own (" + forged.get() + "), which the topology never writes: a worker sends only from "
          + "the account's own address. It was not sent; find what wrote this record to the send topic"));
      return;
    }
    if (!left.isNegative() && !left.isZero()) {
      dispatcher.hop(delivery, left, RetryHeaders.reason(record.headers()));
    } else {
      dispatcher.dispatch(delivery);
    }
  }

  /**
   * The record cannot be read yet — the schema topic or the schema registry did not answer — which is
   * not its fault: its partition waits at it for {@link #SCHEMA_RETRY}, and it is read again then.
   */
  private void notYet(TopicPartition partition, ConsumerRecord<String, byte[]> record, Instant now, Exception e) {
    LOG.warn("{}: cannot decode the record at {} offset {} yet: {}; trying again in {}", name, partition,
        record.offset(), e.getMessage(), SCHEMA_RETRY);
    holdAt(partition, record.offset(), now.plus(SCHEMA_RETRY));
  }

  /** Pauses the partition at {@code offset} until {@code until}: the records behind it are not due sooner. */
  private void holdAt(TopicPartition partition, long offset, Instant until) {
    consumer.pause(List.of(partition));
    consumer.seek(partition, offset);
    pausedUntil.put(partition, until);
  }

  private void resumeDue() {
    Instant now = clock.instant();
    List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> !e.getValue().isAfter(now))
        .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toList());
    if (!due.isEmpty()) {
      due.forEach(pausedUntil::remove);
      resume(due);
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
    if (!subscribed) {
      return;
    }
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

  /** The partitions owned now. */
  Set<TopicPartition> ownedPartitions() {
    return Set.copyOf(owned);
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
  Consumer<String, byte[]> consumer() {
    return consumer;
  }

  /** The partitions {@code topic} has, as the consumer's metadata knows it; 0 when the cluster does not know it. */
  int partitionCount(String topic) {
    List<org.apache.kafka.common.PartitionInfo> partitions = consumer.partitionsFor(topic);
    return partitions == null ? 0 : partitions.size();
  }

  /**
   * The partitions {@code topic} has as {@code cluster} (an {@link #askCluster} answer) says, else as the consumer's
   * metadata knows it.
   */
  int partitionCount(String topic, Map<String, List<org.apache.kafka.common.PartitionInfo>> cluster) {
    List<org.apache.kafka.common.PartitionInfo> partitions = cluster.get(topic);
    return partitions == null || partitions.isEmpty() ? partitionCount(topic) : partitions.size();
  }

  /**
   * Every topic's partitions, asked of the cluster now: the consumer's metadata may be up to
   * {@code metadata.max.age.ms} old, and a worker whose own partitions did not move at a rebalance after partitions
   * were added would go on with the old count. Empty where the cluster does not answer within {@code timeout}.
   */
  Map<String, List<org.apache.kafka.common.PartitionInfo>> askCluster(Duration timeout) {
    try {
      return consumer.listTopics(timeout);
    } catch (WakeupException e) {
      return Map.of(); // the shutdown's, come during a rebalance: the loop sees it is stopping after this poll
    } catch (KafkaException e) {
      LOG.warn("{}: could not ask the cluster for the topics' partitions ({}); going by the metadata", name,
          e.toString());
      return Map.of();
    }
  }

  void wakeup() {
    consumer.wakeup();
  }

  void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
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
    LOG.info("{}: revoked {} ({} queued handed over through the wait tiers)", name, partitions, withdrawn);
    revocations++;
    release(partitions, false);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    // someone else owns them now: commit nothing, send nothing more from them
    int withdrawn = dispatcher.withdraw(partitions);
    LOG.warn("{}: lost {} ({} queued dropped for the new owner)", name, partitions, withdrawn);
    revocations++;
    release(partitions, true);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    owned.addAll(partitions);
    ownedCount = owned.size();
    if (held) {
      consumer.pause(partitions);
    }
    LOG.info("{}: assigned {}", name, partitions);
    onOwnedChange.owned(Set.copyOf(owned), false);
  }

  private void release(Collection<TopicPartition> partitions, boolean lost) {
    owned.removeAll(partitions);
    partitions.forEach(pausedUntil::remove);
    heldBack.removeAll(partitions);
    tracker.forget(partitions);
    ownedCount = owned.size();
    onOwnedChange.owned(Set.copyOf(owned), lost);
  }
}
