package dev.notifier.sender.deadletter;

import static dev.notifier.sender.outcome.OutcomeLog.LOG;

import dev.notifier.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.AcknowledgedWrites;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.AttemptFeedback;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.DeadEnd;
import dev.notifier.sender.retry.Delivery;
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
 * retry headers cannot be read, are dead-lettered at once. A dead recipient's bounce goes to the
 * feedback topic in the same batch ({@link AttemptFeedback}).
 */
public final class DeadLetterWriter implements DeadEnd {

  private final String deadLetterTopic;
  private final AcknowledgedWrites writes;
  private final Statuses statuses;
  private final Clock clock;
  private final String workerId;
  private final WorkerMetrics metrics;
  private final AttemptFeedback feedback;

  public DeadLetterWriter(Topics topics, AcknowledgedWrites writes, Statuses statuses, Clock clock, String workerId,
      WorkerMetrics metrics, AttemptFeedback feedback) {
    this.deadLetterTopic = topics.deadLetters().name();
    this.writes = writes;
    this.statuses = statuses;
    this.clock = clock;
    this.workerId = workerId;
    this.metrics = metrics;
    this.feedback = feedback;
  }

  /** A notification that names an account this worker does not have. */
  public void unknownAccount(Delivery d, Runnable done) {
    String fix = "add account '" + d.notification().getAccount() + "' to the config's accounts, or fix the team routing";
    dead(d, new Classification(Action.UNKNOWN_ACCOUNT, false, "unknown-account", fix), null, null,
        d.failedAttempts(), d.firstFailure(), done);
  }

  /**
   * A record this worker cannot read — its value in no known schema ({@link Action#UNDECODABLE}) or a
   * retry header that is not a number ({@link Action#MALFORMED_HEADERS}): a dead letter with the raw
   * bytes and every original header, so that it can be replayed as it came once a worker can read it,
   * and a DEAD status under its key.
   */
  public void unreadable(ConsumerRecord<String, byte[]> record, Action action, Exception cause, Runnable done) {
    Instant now = clock.instant();
    String id = record.key() != null ? record.key()
        : "unreadable:" + record.topic() + ":" + record.partition() + ":" + record.offset();
    String kind = action.name().toLowerCase(Locale.ROOT).replace('_', '-');
    String fix = action == Action.UNDECODABLE
        ? "the worker cannot read this record (" + cause.getMessage() + "): if a newer release wrote it, make sure its "
            + "schema reached the schema topic or upgrade the workers, then run notifier dlt replay --class UNDECODABLE"
        : cause.getMessage() + ": the record was altered, or written by something other than a notifier worker, and "
            + "was not sent; find what wrote it, then run notifier dlt replay --class " + action.name();
    DeadLetter letter = DeadLetter.newBuilder()
        .setRecordKey(id)
        .setRawValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .setFailureClass(action.name())
        .setKind(kind)
        .setFix(fix)
        .setExceptionClass((cause.getCause() != null ? cause.getCause() : cause).getClass().getName())
        .setAttempts(0)
        .setAccount("")
        .setWorkerId(workerId)
        .setFirstFailureAt(now)
        .setLastFailureAt(now)
        .build();
    LOG.warn("DEAD {} class={} from {}-{}@{}: {}", id, action, record.topic(), record.partition(), record.offset(),
        cause.getMessage());
    metrics.unreadable(action.name());
    Headers headers = DeadLetters.origin(record, letter);
    for (Header h : record.headers()) {
      if (!h.key().startsWith("notifier.original.")) {
        headers.add(h.key(), h.value());
      }
    }
    writes.write(List.of(new ProducerRecord<>(deadLetterTopic, null, id, letter, headers),
        statuses.unreadable(id, kind, fix)), done);
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
    List<ProducerRecord<String, Object>> records = new java.util.ArrayList<>(List.of(
        new ProducerRecord<>(deadLetterTopic, null, n.getNotificationId(), letter, DeadLetters.origin(d.record(), letter)),
        statuses.record(n, DeliveryState.DEAD, why.kind(), detail, attempts)));
    records.addAll(feedback.records(n, why, reply, now));
    writes.write(records, done);
  }
}
