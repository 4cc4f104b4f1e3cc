package dev.notifier.streams;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Commits sooner while the topology keeps up. Under exactly-once a notification reaches the workers
 * only when its transaction commits, and it commits twice on its way (the events' hop into the
 * by-recipient repartition topic, then the hop into the send topic), so at the commit interval alone
 * a mail waits up to two intervals in the topology. The first processor of each hop calls {@link
 * #processed} for each record: when the record is younger than {@code caughtUp} (the topology is not
 * working off a backlog) and the thread has not asked for a commit within {@code every}, it asks for
 * one (Kafka Streams commits after the record, every task of the thread in one transaction). Under a
 * backlog records are older than that, no commit is asked for, and the topology commits at its
 * commit interval only — its maximum throughput is untouched; with room to spare the extra
 * transactions use the room.
 *
 * <p>A record's age is the wall clock minus its timestamp (the upstream producer's create time,
 * carried through the repartition topic): a producer whose clock runs ahead makes its records look
 * fresh, which at worst asks for a commit every {@code every}.
 */
public final class CaughtUpCommits {

  /** Asks for no commit: the topology commits at its interval only. */
  public static final CaughtUpCommits OFF = new CaughtUpCommits(Duration.ZERO, Duration.ZERO);

  private final long everyMs;
  private final long caughtUpMs;
  /** When this stream thread last asked; a commit request commits every task of the thread. */
  private final ThreadLocal<long[]> lastAsked = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE / 2});

  /**
   * @param every the shortest time between two commits asked for (zero: never ask)
   * @param caughtUp how young a record must be for the topology to count as keeping up
   */
  public CaughtUpCommits(Duration every, Duration caughtUp) {
    this.everyMs = every.toMillis();
    this.caughtUpMs = caughtUp.toMillis();
  }

  public boolean enabled() {
    return everyMs > 0;
  }

  /** After processing a record stamped {@code recordTimestamp}: asks for a commit when that is due. */
  public void processed(ProcessingContext context, long recordTimestamp) {
    if (everyMs <= 0) {
      return;
    }
    long now = context.currentSystemTimeMs();
    long[] last = lastAsked.get();
    if (now - recordTimestamp <= caughtUpMs && now - last[0] >= everyMs) {
      last[0] = now;
      context.commit();
    }
  }
}
