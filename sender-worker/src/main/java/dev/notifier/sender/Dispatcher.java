package dev.notifier.sender;

import dev.notifier.avro.Priority;
import dev.notifier.sender.deadletter.DeadLetterWriter;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.RetryWriter;
import dev.notifier.sender.throttle.AccountThrottle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the poll thread sends each delivery: its account's {@link AccountLane}, a wait tier when
 * that lane's backlog is full (never for critical mail; or the record's wait is not over), the ledger as EXPIRED when its
 * {@code expiresAt} has passed, or the dead-letter topic when the account is not configured (or the
 * record cannot be read). Every
 * delivery is tracked from here until its outcome is acknowledged ({@link OffsetTracker}). On a
 * rebalance it takes queued deliveries of the partitions given up back out of the lanes.
 */
final class Dispatcher {

  private final Map<String, AccountLane> lanes;
  private final OffsetTracker tracker;
  private final RetryWriter retries;
  private final DeadLetterWriter deadLetters;
  private final Statuses statuses;
  private final Clock clock;
  private final Duration backlog;

  /** @param backlog how much mail, in seconds of an account's rate, a lane may queue (see {@link #limit}) */
  Dispatcher(Map<String, AccountLane> lanes, OffsetTracker tracker, RetryWriter retries, DeadLetterWriter deadLetters,
      Statuses statuses, Clock clock, Duration backlog) {
    this.lanes = lanes;
    this.tracker = tracker;
    this.retries = retries;
    this.deadLetters = deadLetters;
    this.statuses = statuses;
    this.clock = clock;
    this.backlog = backlog;
  }

  void dispatch(Delivery d) {
    tracker.started(d.partition(), d.offset());
    Runnable done = () -> tracker.finished(d.partition(), d.offset());
    Instant expiresAt = d.notification().getExpiresAt();
    if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
      statuses.expired(d.notification(), d.failedAttempts(), done);
      return;
    }
    AccountLane lane = lanes.get(d.notification().getAccount());
    if (lane == null) {
      deadLetters.unknownAccount(d, done);
      return;
    }
    double rate = rate(lane);
    int queued = lane.backlog();
    // critical mail joins the lane whatever its backlog: the lane takes it before the rest
    if (d.priority() != Priority.CRITICAL && queued >= limit(lane, rate)) {
      retries.deferred(d, "backlog", Duration.ofMillis((long) Math.max(1000, queued / rate * 1000)), done);
      return;
    }
    lane.submit(d);
  }

  /**
   * A record that cannot be read (its value, or its retry headers): a dead letter with its bytes and
   * the cause, tracked like any delivery so the commit moves past it once that is written.
   */
  void unreadable(ConsumerRecord<String, byte[]> record, Action action, Exception cause) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    tracker.started(partition, record.offset());
    deadLetters.unreadable(record, action, cause, () -> tracker.finished(partition, record.offset()));
  }

  /** A delivery refused before any lane sees it (a forged sender): a dead letter as {@code why} says. */
  void refused(Delivery d, Classification why) {
    tracker.started(d.partition(), d.offset());
    retries.refused(d, why, () -> tracker.finished(d.partition(), d.offset()));
  }

  /** A wait-tier record whose wait is not over: on to the tier for what is left of it, no lane involved. */
  void hop(Delivery d, Duration left, String reason) {
    tracker.started(d.partition(), d.offset());
    retries.deferred(d, reason == null ? "waiting" : reason, left, () -> tracker.finished(d.partition(), d.offset()));
  }

  private static double rate(AccountLane lane) {
    AccountThrottle throttle = lane.throttle();
    return throttle.limits().ratePerSecond() * Math.max(throttle.share(), 1e-3);
  }

  /**
   * How many deliveries the lane may hold before further mail is deferred to a wait tier:
   * {@code backlog} seconds of the account's rate, but never more than its in-memory capacity
   * (plus one poll's records, the batch in hand when fetching is held; see
   * {@link SenderWorker#holdFetching()}). A throttled account thus defers what it cannot send
   * soon, while an account faster than its connections makes the worker fetch less instead of
   * writing its mail to a wait tier and reading it back.
   */
  private int limit(AccountLane lane, double rate) {
    double byRate = Math.ceil(rate * backlog.toSeconds());
    double bound = Math.min(byRate, lane.capacity() + (double) SenderWorker.MAX_POLL_RECORDS);
    return (int) Math.max(4L * lane.poolSizeHint(), bound);
  }

  /**
   * Hands queued deliveries to whoever owns the wait tier's partition next: each is written there
   * (due at once) and so finishes, letting the commit move past it. Simply not committing it
   * instead would make the next owner re-read, after it, mail this worker had already deferred to
   * a wait tier — and send that twice.
   */
  int handOver(Predicate<Delivery> which) {
    List<Delivery> queued = withdrawFromLanes(which);
    queued.forEach(d -> retries.deferred(d, "handed-over", Duration.ZERO,
        () -> tracker.finished(d.partition(), d.offset())));
    return queued.size();
  }

  /** Hands over the queued deliveries of partitions this worker gives up (revoked). */
  int handOver(Collection<TopicPartition> partitions) {
    return handOver(d -> partitions.contains(d.partition()));
  }

  /** Takes back queued deliveries of partitions this worker lost: not committed, the new owner sends them. */
  int withdraw(Collection<TopicPartition> partitions) {
    return handBack(d -> partitions.contains(d.partition()));
  }

  /** Takes back queued deliveries, unfinished: their offsets hold the commit down, and no one here sends them. */
  int handBack(Predicate<Delivery> which) {
    List<Delivery> withdrawn = withdrawFromLanes(which);
    withdrawn.forEach(d -> tracker.handedBack(d.partition(), d.offset()));
    return withdrawn.size();
  }

  private List<Delivery> withdrawFromLanes(Predicate<Delivery> which) {
    return lanes.values().stream().flatMap(l -> l.withdraw(which).stream()).toList();
  }
}
