package dev.notifier.sender;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition are still in flight. Records finish out of order (different
 * accounts, different speeds); the offset committed for a partition is always the lowest one not
 * yet finished, so a crash can only redeliver what was in flight. With nothing in flight it is the
 * consumer's next offset, past the transaction markers and aborted records a read-committed consumer
 * never sees, so a caught-up group shows no lag in Kafka's tools. Thread-safe: sending threads
 * finish records while the poll thread starts them and commits.
 */
final class OffsetTracker {

  private final Map<TopicPartition, TreeSet<Long>> inFlight = new HashMap<>();
  /** Unfinished offsets taken back from the lanes: they hold the commit down but no one works on them. */
  private final Map<TopicPartition, TreeSet<Long>> handedBack = new HashMap<>();
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  synchronized void started(TopicPartition partition, long offset) {
    inFlight.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    next.merge(partition, offset + 1, Math::max);
  }

  /**
   * Every offset of the partition below {@code nextOffset} was either returned by a poll and started
   * here, or is one the consumer skips (a transaction's marker, an aborted record): once nothing is in
   * flight, the commit may move up to it. Only for a partition none of whose returned records was
   * held back (see {@code PartitionSource#pollOnce}).
   */
  synchronized void readUpTo(TopicPartition partition, long nextOffset) {
    next.merge(partition, nextOffset, Math::max);
  }

  synchronized void finished(TopicPartition partition, long offset) {
    TreeSet<Long> offsets = inFlight.get(partition);
    if (offsets != null) {
      offsets.remove(offset);
    }
    TreeSet<Long> back = handedBack.get(partition);
    if (back != null) {
      back.remove(offset);
    }
  }

  /**
   * A queued record withdrawn from its lane (the partition is being given up): it stays unfinished,
   * so the commit stops below it and the next owner delivers it, but nothing will finish it here.
   */
  synchronized void handedBack(TopicPartition partition, long offset) {
    TreeSet<Long> offsets = inFlight.get(partition);
    if (offsets != null && offsets.contains(offset)) {
      handedBack.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
    }
  }

  /**
   * Records of these partitions still being worked on — being sent, or waiting for their outcome
   * to be acknowledged — as opposed to handed back: what a revoke waits for before it commits.
   */
  synchronized int working(Collection<TopicPartition> partitions) {
    int working = 0;
    for (TopicPartition partition : partitions) {
      TreeSet<Long> back = handedBack.get(partition);
      working += inFlight(partition) - (back == null ? 0 : back.size());
    }
    return working;
  }

  /** The offsets that may be committed now and were not yet, per partition. */
  synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition partition : partitions) {
      Long safe = safeOffset(partition);
      if (safe != null && !safe.equals(committed.get(partition))) {
        out.put(partition, new OffsetAndMetadata(safe));
      }
    }
    return out;
  }

  synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
  }

  synchronized int inFlight(TopicPartition partition) {
    TreeSet<Long> offsets = inFlight.get(partition);
    return offsets == null ? 0 : offsets.size();
  }

  /** Forgets partitions this worker no longer owns. */
  synchronized void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(p -> {
      inFlight.remove(p);
      handedBack.remove(p);
      next.remove(p);
      committed.remove(p);
    });
  }

  private Long safeOffset(TopicPartition partition) {
    TreeSet<Long> offsets = inFlight.get(partition);
    if (offsets != null && !offsets.isEmpty()) {
      return offsets.first();
    }
    return next.get(partition);
  }
}
