package dev.notifier.sender;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.deadletter.DeadLetters;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what became of each delivery — a SENT status; a retry record and a RETRYING status; a
 * dead letter and a DEAD status — and reports the delivery finished only once every record it
 * wrote is acknowledged, so its offset is committed only then. A write that fails is fatal for
 * the worker: the offset stays uncommitted and the notification is delivered again elsewhere.
 *
 * <p><b>Logs.</b> One line per outcome, parameterised (nothing is formatted below the level):
 * {@code SENT <id> account= attempts=} and {@code RETRY <id> account= class= kind= attempt= due=} at
 * INFO, {@code DEAD <id> account= class= kind= attempts=} at WARN (an operator should see it even with
 * INFO off). {@code class} is the failure class (the dead letter's, or RETRY / ACCOUNT_ERROR for a
 * retry) and {@code kind} its code. The recipient's address is never logged at INFO: the
 * notification id identifies the mail; the address appears only at DEBUG. Each outcome is also
 * counted in {@link WorkerMetrics}.
 */
final class OutcomeWriter {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);

  // topic names resolved once: each Topics accessor builds a new topic with a new serde, whose
  // Avro encoder and decoder compute schema fingerprints; per message that was a tenth of a send
  private final String statusTopic;
  private final String deadLetterTopic;
  private final String waitTopic;
  private final String[] retryTopics = new String[Topics.RETRY_TIERS + 1];
  private final Producer<String, Object> producer;
  private final BackoffPolicy backoff;
  private final Clock clock;
  private final String workerId;
  private final DoubleSupplier random;
  private final Consumer<Exception> fatal;
  private final WorkerMetrics metrics;

  OutcomeWriter(Topics topics, Producer<String, Object> producer, BackoffPolicy backoff, Clock clock,
      String workerId, DoubleSupplier random, Consumer<Exception> fatal) {
    this(topics, producer, backoff, clock, workerId, random, fatal,
        new WorkerMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), List.of()));
  }

  OutcomeWriter(Topics topics, Producer<String, Object> producer, BackoffPolicy backoff, Clock clock,
      String workerId, DoubleSupplier random, Consumer<Exception> fatal, WorkerMetrics metrics) {
    this.statusTopic = topics.status().name();
    this.deadLetterTopic = topics.deadLetters().name();
    this.waitTopic = topics.retryWait().name();
    for (int tier = 1; tier <= Topics.RETRY_TIERS; tier++) {
      retryTopics[tier] = topics.retry(tier).name();
    }
    this.producer = producer;
    this.backoff = backoff;
    this.clock = clock;
    this.workerId = workerId;
    this.random = random;
    this.fatal = fatal;
    this.metrics = metrics;
  }

  void sent(Delivery d, Runnable done) {
    Notification n = d.notification();
    int attempts = d.failedAttempts() + 1;
    LOG.info("SENT {} account={} attempts={}", n.getNotificationId(), n.getAccount(), attempts);
    if (LOG.isDebugEnabled()) {
      LOG.debug("SENT {} to {}", n.getNotificationId(), n.getRecipient().getEmail());
    }
    metrics.account(n.getAccount()).sent.increment();
    write(List.of(statusRecord(n, DeliveryState.SENT, null, null, attempts)), done);
  }

  /** A failed attempt: retried with backoff while the lifetime budget lasts, else dead-lettered. */
  void failed(Delivery d, Classification c, DeliveryException e, Runnable done) {
    Instant now = clock.instant();
    Instant first = d.firstFailure() == null ? now : d.firstFailure();
    int attempts = d.failedAttempts() + 1;
    switch (c.action()) {
      case RETRY:
      case ACCOUNT_ERROR:
        Optional<Instant> next = backoff.nextAttemptAt(attempts, first, now, random);
        if (next.isPresent()) {
          retry(d, attempts, first, next.get(), c, describe(e, c), done);
        } else {
          dead(d, "EXPIRED", "expired", "the lifetime budget ran out after " + attempts + " attempts; last: "
              + describe(e, c), e.reply(), e.causeClass(), attempts, first, done);
        }
        return;
      default:
        dead(d, c.action().name(), c.kind(), c.fix(), e.reply(), e.causeClass(), attempts, first, done);
    }
  }

  /** Held back without an attempt (breaker open, backlog full): waits in the wait topic. */
  void deferred(Delivery d, String reason, Duration wait, Runnable done) {
    Instant now = clock.instant();
    Instant due = now.plus(wait);
    if (d.firstFailure() != null && backoff.expired(d.firstFailure(), due)) {
      dead(d, "EXPIRED", "expired", "the lifetime budget ran out while the mail waited (" + reason + ")", null, null,
          d.failedAttempts(), d.firstFailure(), done);
      return;
    }
    ProducerRecord<String, Object> retry = new ProducerRecord<>(waitTopic, d.record().key(),
        d.notification());
    RetryHeaders.write(retry.headers(), d.failedAttempts(), d.firstFailure(), due, reason);
    DeadLetters.carryOrigin(d.record(), retry.headers());
    metrics.account(d.notification().getAccount()).deferred(reason);
    if (LOG.isDebugEnabled()) {
      LOG.debug("WAIT {} account={} reason={} due={}", d.notification().getNotificationId(),
          d.notification().getAccount(), reason, due);
    }
    if (reason.equals(RetryHeaders.reason(d.record().headers()))) {
      // still waiting for the same reason: the ledger already says so; do not write it again every re-check
      write(List.of(retry), done);
      return;
    }
    write(List.of(retry, statusRecord(d.notification(), DeliveryState.RETRYING, reason,
        "waiting until " + due + " (" + reason + ")", d.failedAttempts())), done);
  }

  /** A notification that names an account this worker does not have. */
  void unknownAccount(Delivery d, Runnable done) {
    String fix = "add account '" + d.notification().getAccount() + "' to the config's accounts, or fix the team routing";
    dead(d, "UNKNOWN_ACCOUNT", "unknown-account", fix, null, null, d.failedAttempts(), d.firstFailure(), done);
  }

  private void retry(Delivery d, int attempts, Instant first, Instant due, Classification c, String detail,
      Runnable done) {
    String kind = c.kind();
    int tier = Math.min(attempts, Topics.RETRY_TIERS);
    Notification n = d.notification();
    ProducerRecord<String, Object> retry = new ProducerRecord<>(retryTopics[tier], d.record().key(), n);
    RetryHeaders.write(retry.headers(), attempts, first, due, kind);
    DeadLetters.carryOrigin(d.record(), retry.headers());
    LOG.info("RETRY {} account={} class={} kind={} attempt={} due={}", n.getNotificationId(), n.getAccount(),
        c.action(), kind, attempts, due);
    metrics.account(n.getAccount()).retried(attempts);
    write(List.of(retry, statusRecord(n, DeliveryState.RETRYING, kind, detail + "; next attempt at " + due,
        attempts)), done);
  }

  private void dead(Delivery d, String failureClass, String kind, String fix, SmtpReply reply, String exceptionClass,
      int attempts, Instant first, Runnable done) {
    Notification n = d.notification();
    Instant now = clock.instant();
    DeadLetter letter = DeadLetter.newBuilder()
        .setNotification(n)
        .setFailureClass(failureClass)
        .setKind(kind)
        .setFix(fix)
        .setReplyCode(reply == null ? null : reply.code())
        .setEnhancedCode(reply == null ? null : reply.enhancedCode())
        .setReplyText(reply == null ? null : reply.text())
        .setExceptionClass(exceptionClass)
        .setAttempts(attempts)
        .setAccount(n.getAccount())
        .setWorkerId(workerId)
        .setFirstFailureAt(first == null ? now : first)
        .setLastFailureAt(now)
        .build();
    LOG.warn("DEAD {} account={} class={} kind={} attempts={}", n.getNotificationId(), n.getAccount(), failureClass,
        kind, attempts);
    if (LOG.isDebugEnabled()) {
      LOG.debug("DEAD {} to {}", n.getNotificationId(), n.getRecipient().getEmail());
    }
    metrics.account(n.getAccount()).deadLettered(failureClass);
    String detail = (reply == null ? "" : reply + " — ") + fix;
    write(List.of(
        new ProducerRecord<>(deadLetterTopic, null, n.getNotificationId(), letter,
            DeadLetters.origin(d.record(), letter)),
        statusRecord(n, DeliveryState.DEAD, kind, detail, attempts)), done);
  }

  private static String describe(DeliveryException e, Classification c) {
    return (e.reply() != null ? e.reply().toString() : e.getMessage()) + " (" + c.kind() + ")";
  }

  private ProducerRecord<String, Object> statusRecord(Notification n, DeliveryState state, String reason,
      String detail, int attempts) {
    DeliveryStatus status = DeliveryStatuses.of(n, state, reason, detail, attempts, clock.instant());
    return new ProducerRecord<>(statusTopic, n.getNotificationId(), status);
  }

  /** Sends the records; {@code done} runs once all are acknowledged. */
  private void write(List<ProducerRecord<String, Object>> records, Runnable done) {
    AtomicInteger pending = new AtomicInteger(records.size());
    for (ProducerRecord<String, Object> record : records) {
      try {
        producer.send(record, (metadata, error) -> {
          if (error != null) {
            fatal.accept(error);
          } else if (pending.decrementAndGet() == 0) {
            done.run();
          }
        });
      } catch (RuntimeException e) {
        // thrown before the record was queued (buffer full past max.block.ms, serialisation): the outcome
        // is not written, so its offset must never be committed — fatal, as a failed acknowledgement is
        fatal.accept(e);
        return;
      }
    }
  }
}
