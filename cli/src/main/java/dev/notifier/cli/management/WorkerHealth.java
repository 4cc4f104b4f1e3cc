package dev.notifier.cli.management;

import dev.notifier.sender.WorkerStatus;
import java.util.function.Supplier;

/**
 * A sender worker's health from its {@link WorkerStatus}.
 *
 * <p><b>Ready</b> once the send consumer has received its first assignment and at least one enabled
 * account's circuit breaker is not open. An empty assignment counts: with more workers than send
 * partitions, a worker that owns none is a standby member of the group and takes partitions over when
 * another leaves; it holds no mail (retry and wait partitions follow the send partitions), and its
 * readiness says "standby". Not ready while closing (SIGTERM: the worker drains), nor when its lease
 * to send has run out (the poll loop has not polled for half of {@code max.poll.interval.ms}: it
 * sends nothing, since the group may have given its partitions away).
 *
 * <p><b>Live</b> unless the poll loop ended by itself (a fatal error; after a close it is expected)
 * or has not begun an iteration for longer than the consumer's {@code max.poll.interval.ms} (5
 * minutes by default): far longer than a poll (the poll time-out, 200 ms by default) or a rebalance
 * (the drain bound plus a commit) take, and the point past which Kafka itself takes the worker's
 * partitions away. A worker with every breaker open is live: it waits for its accounts, and a
 * restart would not fix them.
 */
public final class WorkerHealth implements Health {

  private final Supplier<WorkerStatus> status;

  /** @param status the worker's status, e.g. {@code worker::status} */
  public WorkerHealth(Supplier<WorkerStatus> status) {
    this.status = status;
  }

  @Override
  public Status live() {
    WorkerStatus now = status.get();
    if (now.loopEnded() && !now.closing()) {
      return Status.down("the worker's poll loop stopped (see the log)");
    }
    if (now.stalled()) {
      return Status.down("the worker's poll loop has not run for " + now.sinceLastLoop().toSeconds()
          + " s (bound: max.poll.interval.ms, " + now.stallBound().toSeconds() + " s)");
    }
    return Status.up();
  }

  @Override
  public Status ready() {
    WorkerStatus now = status.get();
    if (now.closing() || now.loopEnded()) {
      return Status.down("worker stopping");
    }
    if (!now.started()) {
      return Status.down("worker not started");
    }
    if (!now.assigned()) {
      return Status.down("waiting for the first partition assignment");
    }
    if (now.breakers().isEmpty()) {
      return Status.down("no enabled account");
    }
    if (!now.anyAccountUsable()) {
      return Status.down("circuit breaker open for every enabled account " + now.breakers().keySet());
    }
    if (!now.leaseValid()) {
      return Status.down("it may not send: its poll loop has not polled for " + now.sinceLastLoop().toSeconds()
          + " s, so the group may have given its partitions to another worker");
    }
    if (now.sendPartitions() == 0) {
      return Status.up("standby: it owns no send partition, so it holds and sends no mail, and takes partitions "
          + "over when another worker leaves");
    }
    return Status.up();
  }
}
