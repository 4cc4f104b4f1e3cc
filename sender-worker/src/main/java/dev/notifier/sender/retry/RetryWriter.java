package dev.notifier.sender.retry;

import static dev.notifier.sender.outcome.OutcomeLog.LOG;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.AcknowledgedWrites;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The retry stage's writes. A failed attempt the table calls transient ({@link Action#RETRY},
 * {@link Action#ACCOUNT_ERROR}) goes to the retry topic of its attempt's tier, due after the
 * {@link BackoffPolicy}'s delay, with a RETRYING status; mail held back without an attempt (breaker
 * open, throttled, backlog full, handed over) waits in a wait tier. Whatever cannot be retried —
 * a permanent failure, or a lifetime budget run out ({@link Action#EXPIRED}) — goes to the
 * {@link DeadEnd}. Each record carries its {@link RetryHeaders} and its origin, so any worker can
 * take it up.
 */
public final class RetryWriter {

  private final String[] waitTopics;
  private final String[] retryTopics = new String[Topics.RETRY_TIERS + 1];
  private final AcknowledgedWrites writes;
  private final Statuses statuses;
  private final BackoffPolicy backoff;
  private final Clock clock;
  private final DoubleSupplier random;
  private final DeadEnd deadEnd;
  private final WorkerMetrics metrics;
  private final AttemptFeedback feedback;
  private final RetryPlacement placement;
  private final Keyring integrity;
  private final Serializer<Notification> notifications;

  /** As below, placing records by their key's hash. */
  public RetryWriter(Topics topics, AcknowledgedWrites writes, Statuses statuses, BackoffPolicy backoff, Clock clock,
      DoubleSupplier random, DeadEnd deadEnd, WorkerMetrics metrics, AttemptFeedback feedback) {
    this(topics, writes, statuses, backoff, clock, random, deadEnd, metrics, feedback, RetryPlacement.byKey());
  }

  /**
   * {@code random} spreads the retry delays (a value in [0, 1], see {@link BackoffPolicy#delayFor});
   * {@code placement} keeps each record on its send partition's number.
   */
  public RetryWriter(Topics topics, AcknowledgedWrites writes, Statuses statuses, BackoffPolicy backoff, Clock clock,
      DoubleSupplier random, DeadEnd deadEnd, WorkerMetrics metrics, AttemptFeedback feedback,
      RetryPlacement placement) {
    this(topics, writes, statuses, backoff, clock, random, deadEnd, metrics, feedback, placement, Keyring.off());
  }

  /**
   * As above, signing every retry and wait record with {@code integrity} when it signs: the worker holds the key,
   * and a record it writes back (the account changed on an unknown outcome, a hop to another tier) must verify
   * when a worker reads it again.
   */
  public RetryWriter(Topics topics, AcknowledgedWrites writes, Statuses statuses, BackoffPolicy backoff, Clock clock,
      DoubleSupplier random, DeadEnd deadEnd, WorkerMetrics metrics, AttemptFeedback feedback,
      RetryPlacement placement, Keyring integrity) {
    this.integrity = integrity;
    // the retry and wait tiers' own format, as the worker's producer would write it (see OutcomeSerializer)
    this.notifications = topics.retry(1).valueSerde().serializer();
    // topic names resolved once (see Statuses)
    this.waitTopics = topics.waitTiers().stream().map(dev.notifier.schemas.Topic::name).toArray(String[]::new);
    for (int tier = 1; tier <= Topics.RETRY_TIERS; tier++) {
      retryTopics[tier] = topics.retry(tier).name();
    }
    this.writes = writes;
    this.statuses = statuses;
    this.backoff = backoff;
    this.clock = clock;
    this.random = random;
    this.deadEnd = deadEnd;
    this.metrics = metrics;
    this.feedback = feedback;
    this.placement = placement;
  }

  /**
   * A delivery refused before any attempt (its account's policy, see {@code guard.RecipientGuard}):
   * dead-lettered at once as {@code why} says, no attempt counted, nothing sent.
   */
  public void refused(Delivery d, Classification why, Runnable done) {
    Instant first = d.firstFailure() == null ? clock.instant() : d.firstFailure();
    deadEnd.dead(d, why, null, null, d.failedAttempts(), first, done);
  }

  /** A failed attempt: retried with backoff while the lifetime budget lasts, else dead-lettered. */
  public void failed(Delivery d, Classification c, DeliveryException e, Runnable done) {
    Instant now = clock.instant();
    Instant first = d.firstFailure() == null ? now : d.firstFailure();
    int attempts = d.failedAttempts() + 1;
    switch (c.action()) {
      case RETRY, ACCOUNT_ERROR -> {
        Optional<Instant> next = backoff.nextAttemptAt(attempts, first, now, random);
        if (next.isPresent()) {
          retry(d, attempts, first, next.get(), c, e, feedback.records(d.notification(), c, e.reply(), now), done);
        } else {
          deadEnd.dead(d, expired("the lifetime budget ran out after " + attempts + " attempts; last: "
              + describe(e, c)), e.reply(), e.causeClass(), attempts, first, done);
        }
      }
      default -> deadEnd.dead(d, c, e.reply(), e.causeClass(), attempts, first, done);
    }
  }

  /**
   * Attempt number {@code attempts} on account {@code account} got no reply after the end of data:
   * an UNKNOWN status, and, when {@code retryAfter} is not null, the message again after that long —
   * on the same account (the notification is written routed to it), so a backup never sends what a
   * primary may have queued.
   */
  public void unknown(Delivery d, String account, DeliveryException e, Duration retryAfter, Runnable done) {
    Instant now = clock.instant();
    Instant first = d.firstFailure() == null ? now : d.firstFailure();
    int attempts = d.failedAttempts() + 1;
    Notification n = d.notification();
    if (retryAfter == null) {
      writes.write(List.of(statuses.unknown(n, account, e.getMessage()
          + "; not sent again (retryUnknownOutcome: false): check with the recipient or the provider's logs", attempts)),
          done);
      return;
    }
    Instant due = now.plus(retryAfter);
    Notification sameAccount = account.equals(n.getAccount()) ? n : Notification.newBuilder(n).setAccount(account)
        .build();
    ProducerRecord<String, Object> retry = record(retryTopics[Math.min(attempts, Topics.RETRY_TIERS)], d, sameAccount);
    RetryHeaders.write(retry.headers(), attempts, first, due, null, "outcome-unknown");
    RetryHeaders.writeLastFailure(retry.headers(), e.reply(), e.causeClass());
    retry.headers().add(RetryHeaders.UNKNOWN_OUTCOME_ACCOUNT, account.getBytes(StandardCharsets.UTF_8));
    RetryHeaders.carryOrigin(d.record(), retry.headers());
    writes.write(List.of(retry, statuses.unknown(n, account, e.getMessage() + "; sent again on account " + account
        + " at " + due + " with the same Message-ID", attempts)), done);
  }

  /**
   * Held back without an attempt (breaker open, quota used up, backlog full, handed over), or a
   * wait-tier record whose wait is not over: waits in the wait tier of the longest delay not above
   * {@code wait} ({@link Topics#waitTierFor}), taken again after that tier's delay, when it either is
   * due or hops on to a shorter tier. The last failed attempt's reply waits with it; if the lifetime budget runs out
   * first, the {@link Action#EXPIRED} dead letter carries that reply, as one after a last attempt does.
   */
  public void deferred(Delivery d, String reason, Duration wait, Runnable done) {
    Instant now = clock.instant();
    Instant due = now.plus(wait);
    if (d.firstFailure() != null && backoff.expired(d.firstFailure(), due)) {
      SmtpReply reply = RetryHeaders.lastReply(d.record().headers());
      String exception = RetryHeaders.lastException(d.record().headers());
      String last = reply != null ? reply.toString() : exception;
      deadEnd.dead(d, expired("the lifetime budget ran out while the mail waited (" + reason + ")"
          + (last == null ? "" : "; last: " + last)), reply, exception, d.failedAttempts(), d.firstFailure(), done);
      return;
    }
    int tier = Topics.waitTierFor(wait);
    ProducerRecord<String, Object> retry = record(waitTopics[tier], d, d.notification());
    RetryHeaders.write(retry.headers(), d.failedAttempts(), d.firstFailure(), now.plus(Topics.WAIT_TIERS.get(tier)),
        due, reason);
    RetryHeaders.carryLastFailure(d.record(), retry.headers());
    RetryHeaders.carryOrigin(d.record(), retry.headers());
    if (LOG.isDebugEnabled()) {
      LOG.debug("WAIT {} account={} reason={} due={}", d.notification().getNotificationId(),
          d.notification().getAccount(), reason, due);
    }
    if (reason.equals(RetryHeaders.reason(d.record().headers()))) {
      // still waiting for the same reason (a re-check, or a hop to a shorter tier): the ledger and the
      // deferral count already say so; do not write or count it again
      writes.write(List.of(retry), done);
      return;
    }
    metrics.account(d.notification().getAccount()).deferred(reason);
    writes.write(List.of(retry, statuses.record(d.notification(), DeliveryState.RETRYING, reason,
        "waiting until " + due + " (" + reason + ")", d.failedAttempts())), done);
  }

  private void retry(Delivery d, int attempts, Instant first, Instant due, Classification c, DeliveryException e,
      List<ProducerRecord<String, Object>> bounce, Runnable done) {
    String kind = c.kind();
    int tier = Math.min(attempts, Topics.RETRY_TIERS);
    Notification n = d.notification();
    ProducerRecord<String, Object> retry = record(retryTopics[tier], d, n);
    RetryHeaders.write(retry.headers(), attempts, first, due, null, kind);
    RetryHeaders.writeLastFailure(retry.headers(), e.reply(), e.causeClass());
    RetryHeaders.carryOrigin(d.record(), retry.headers());
    LOG.info("RETRY {} account={} class={} kind={} attempt={} due={}", n.getNotificationId(), n.getAccount(),
        c.action(), kind, attempts, due);
    metrics.account(n.getAccount()).retried(attempts);
    List<ProducerRecord<String, Object>> records = new java.util.ArrayList<>(List.of(retry,
        statuses.record(n, DeliveryState.RETRYING, kind, describe(e, c) + "; next attempt at " + due, attempts)));
    records.addAll(bounce);
    writes.write(records, done);
  }

  /** {@code n} for {@code topic} under the delivery's key, on its send partition's number ({@link RetryPlacement}). */
  private ProducerRecord<String, Object> record(String topic, Delivery d, Notification n) {
    Integer partition = placement.partition(topic, d.sendPartition());
    String key = d.record().key();
    if (!integrity.signs()) {
      return new ProducerRecord<>(topic, partition, key, n);
    }
    // serialized here, so the signature is over the very bytes written (OutcomeSerializer passes bytes through)
    byte[] value = notifications.serialize(topic, n);
    ProducerRecord<String, Object> record = new ProducerRecord<>(topic, partition, key, value);
    integrity.sign(record.headers(), key, value);
    return record;
  }

  /** Retries that ran out: an {@link Action#EXPIRED} dead letter whose fix tells the story. */
  private static Classification expired(String fix) {
    return new Classification(Action.EXPIRED, false, "expired", fix);
  }

  private static String describe(DeliveryException e, Classification c) {
    return (e.reply() != null ? e.reply().toString() : e.getMessage()) + " (" + c.kind() + ")";
  }
}
