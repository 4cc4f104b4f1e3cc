package dev.notifier.sender;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Send partitions this worker has just seen added, held out of its throttle shares until every other
 * worker must have seen them too.
 *
 * <p>A throttle share is the owned send partitions over all of them. When the send topic grows, a worker whose own
 * partitions did not move may not be told: Kafka's consumer group protocol (KIP-848) calls no rebalance listener for an
 * unchanged assignment, and a classic rebalance's question to the cluster may fail. That worker keeps its share of the
 * old count until its metadata shows the new one ({@code metadata.max.age.ms}) and its loop next compares the counts.
 * Meanwhile the shares of the new partitions' owners would add to more than the account's rate (16 in one second of
 * an account's 10 + 2, measured). So a worker that sees the count grow, at an assignment or in its loop, counts
 * every partition at or above the count it knew before for nothing until {@code hold} has passed: the longest any
 * other worker may still work with the old count. Their mail waits meanwhile (new partitions carry little of it so
 * soon: the streams app's producer too learns of them from its metadata).
 *
 * <p>A worker that starts after a growth knows no count before it and holds nothing: given a new partition within
 * {@code hold} of the growth, while another worker still works with the old count, it sends at its share of the
 * new count all the same. Not thread-safe: the poll loop's own.
 */
final class NewPartitions {

  private final Duration hold;
  /** The largest count seen; -1 before the first. */
  private int known = -1;
  /** Partition number → when it may count for a share. */
  private final Map<Integer, Instant> heldUntil = new HashMap<>();

  NewPartitions(Duration hold) {
    if (hold.isNegative()) {
      throw new IllegalArgumentException("hold is " + hold + ": it must not be negative");
    }
    this.hold = hold;
  }

  /**
   * The send topic has {@code count} partitions, as this worker learned {@code now}: those at or above a smaller count
   * it knew are new, held for {@link #hold} from now.
   */
  void seen(int count, Instant now) {
    if (known >= 0 && count > known) {
      for (int partition = known; partition < count; partition++) {
        heldUntil.put(partition, now.plus(hold));
      }
    }
    known = Math.max(known, count);
  }

  /** Of the {@code owned} partitions, those held {@code now}, with when each hold ends. */
  Map<Integer, Instant> heldOf(Set<Integer> owned, Instant now) {
    release(now);
    Map<Integer, Instant> held = new TreeMap<>(heldUntil);
    held.keySet().retainAll(owned);
    return held;
  }

  /** Whether a hold on one of the {@code owned} partitions has ended by {@code now}; the share then grows. */
  boolean releasedAny(Set<Integer> owned, Instant now) {
    boolean released = heldUntil.entrySet().stream()
        .anyMatch(e -> owned.contains(e.getKey()) && !now.isBefore(e.getValue()));
    release(now);
    return released;
  }

  /** Whether any partition is held now or until a release not yet asked for. */
  boolean holding() {
    return !heldUntil.isEmpty();
  }

  private void release(Instant now) {
    heldUntil.values().removeIf(until -> !now.isBefore(until));
  }
}
