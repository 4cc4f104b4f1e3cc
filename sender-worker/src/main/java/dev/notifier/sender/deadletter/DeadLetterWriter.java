package dev.notifier.sender.deadletter;

import static dev.notifier.sender.outcome.OutcomeLog.LOG;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.AcknowledgedWrites;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.DeadEnd;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.MalformedHeaderException;
import dev.notifier.sender.smtp.SmtpReply;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes dead letters: the notification with the facts of its failure to {@code notifier.send.dlt}
 * (see {@link DeadLetters}), and a DEAD status. The failure class is the {@link Action}'s name, the
 * value {@code notifier dlt --class} filters on. What the retry stage gives up on arrives here as its
 * {@link DeadEnd}; a notification naming an account this worker does not have, and a record whose
 * retry headers cannot be read, are dead-lettered at once.
 */
public final class DeadLetterWriter implements DeadEnd {

  private final String deadLetterTopic;
  private final AcknowledgedWrites writes;
  private final Statuses statuses;
  private final Clock clock;
  private final String workerId;
  private final WorkerMetrics metrics;

  public DeadLetterWriter(Topics topics, AcknowledgedWrites writes, Statuses statuses, Clock clock, String workerId,
      WorkerMetrics metrics) {
    this.deadLetterTopic = topics.deadLetters().name();
    this.writes = writes;
    this.statuses = statuses;
    this.clock = clock;
    this.workerId = workerId;
    this.metrics = metrics;
  }

  /** A notification that names an account this worker does not have. */
  public void unknownAccount(Delivery d, Runnable done) {
    String fix = "add account '" + d.notification().getAccount() + "' to the config's accounts, or fix the team routing";
    dead(d, new Classification(Action.UNKNOWN_ACCOUNT, false, "unknown-account", fix), null, null,
        d.failedAttempts(), d.firstFailure(), done);
  }

  /**
   * A record whose retry headers cannot be read: not sent, since how often it failed and whether it
   * is due are unknown. The fix names the header and its value.
   */
  public void malformedHeaders(Delivery d, MalformedHeaderException e, Runnable done) {
    String fix = e.getMessage() + ": the record was altered, or written by something other than a notifier worker, "
        + "and was not sent; find what wrote it, then replay the dead letter";
    dead(d, new Classification(Action.MALFORMED_HEADERS, false, "malformed-headers", fix), null,
        (e.getCause() != null ? e.getCause() : e).getClass().getName(), d.failedAttempts(), d.firstFailure(), done);
  }

  @Override
  public void dead(Delivery d, Classification why, SmtpReply reply, String exceptionClass, int attempts,
      Instant first, Runnable done) {
    Notification n = d.notification();
    Instant now = clock.instant();
    String failureClass = why.action().name();
    DeadLetter letter = DeadLetter.newBuilder()
        .setNotification(n)
        .setFailureClass(failureClass)
        .setKind(why.kind())
        .setFix(why.fix())
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
        why.kind(), attempts);
    if (LOG.isDebugEnabled()) {
      LOG.debug("DEAD {} to {}", n.getNotificationId(), n.getRecipient().getEmail());
    }
    metrics.account(n.getAccount()).deadLettered(failureClass);
    String detail = (reply == null ? "" : reply + " — ") + why.fix();
    writes.write(List.of(
        new ProducerRecord<>(deadLetterTopic, null, n.getNotificationId(), letter, DeadLetters.origin(d.record(), letter)),
        statuses.record(n, DeliveryState.DEAD, why.kind(), detail, attempts)), done);
  }
}
