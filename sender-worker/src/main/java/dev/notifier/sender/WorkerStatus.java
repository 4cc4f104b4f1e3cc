package dev.notifier.sender;

import java.time.Duration;
import java.util.Map;

/**
 * What a sender worker says about itself, for health checks ({@link SenderWorker#status()}): facts
 * the worker already keeps, read at once.
 *
 * @param started the poll loop was started ({@link SenderWorker#run()})
 * @param assigned the send consumer has completed its first rebalance. An empty assignment counts:
 *     with more workers than send partitions, a worker that owns none is a standby member of the
 *     group, doing what it should (it takes partitions over when another worker leaves)
 * @param closing {@link SenderWorker#close()} was called (SIGTERM): the worker is draining or done
 * @param loopEnded the poll loop has ended, after a close or by itself (a fatal error)
 * @param sinceLastLoop how long ago the poll loop last began an iteration (zero before it started)
 * @param stallBound how long the loop may go without an iteration before it counts as wedged: the
 *     consumer's {@code max.poll.interval.ms}, past which Kafka itself evicts the worker from its group
 *     (a healthy iteration takes the poll time-out; a rebalance at most the drain bound plus a commit)
 * @param breakers the circuit breaker state ({@code closed}, {@code open}, {@code half_open}) of each
 *     enabled account, by account id
 * @param sendPartitions the send partitions the worker owns now (0: a standby)
 * @param leaseValid whether the worker may send now: its poll loop polled recently enough that the
 *     group cannot have given its partitions away (see {@code throttle.Lease})
 */
public record WorkerStatus(boolean started, boolean assigned, boolean closing, boolean loopEnded,
    Duration sinceLastLoop, Duration stallBound, Map<String, String> breakers, int sendPartitions,
    boolean leaseValid) {

  public WorkerStatus {
    breakers = Map.copyOf(breakers);
  }

  /** The loop is running but has not begun an iteration for longer than {@link #stallBound()}. */
  public boolean stalled() {
    return started && !loopEnded && sinceLastLoop.compareTo(stallBound) > 0;
  }

  /** At least one enabled account's breaker lets mail through (closed or half-open). */
  public boolean anyAccountUsable() {
    return breakers.values().stream().anyMatch(state -> !"open".equals(state));
  }
}
