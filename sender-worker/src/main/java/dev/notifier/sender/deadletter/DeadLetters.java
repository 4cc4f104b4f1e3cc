package dev.notifier.sender.deadletter;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.Notification;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the whole notification plus the failure facts in the value, and the
 * record's origin (topic, partition, offset) in headers, so an analyst can trace and replay it.
 */
public final class DeadLetters {

  public static final String ORIGINAL_TOPIC = "notifier.original.topic";
  public static final String ORIGINAL_PARTITION = "notifier.original.partition";
  public static final String ORIGINAL_OFFSET = "notifier.original.offset";
  public static final String EXCEPTION_CLASS = "notifier.exception.class";

  private DeadLetters() {
  }

  public static DeadLetter of(Notification n, FailureClass failureClass, DeliveryException e, String workerId,
      Instant at) {
    SmtpReply reply = e.reply();
    return DeadLetter.newBuilder()
        .setNotification(n)
        .setFailureClass(failureClass.name())
        .setReplyCode(reply == null ? null : reply.code())
        .setEnhancedCode(reply == null ? null : reply.enhancedCode())
        .setReplyText(reply == null ? e.getMessage() : reply.text())
        .setExceptionClass(e.causeClass())
        .setAttempts(1)
        .setAccount(n.getAccount())
        .setWorkerId(workerId)
        .setFirstFailureAt(at)
        .setLastFailureAt(at)
        .build();
  }

  /** Headers telling where a failed record came from. */
  public static Headers origin(ConsumerRecord<?, ?> origin, DeadLetter letter) {
    Headers headers = new RecordHeaders();
    headers.add(ORIGINAL_TOPIC, utf8(origin.topic()));
    headers.add(ORIGINAL_PARTITION, utf8(String.valueOf(origin.partition())));
    headers.add(ORIGINAL_OFFSET, utf8(String.valueOf(origin.offset())));
    if (letter.getExceptionClass() != null) {
      headers.add(EXCEPTION_CLASS, utf8(letter.getExceptionClass()));
    }
    return headers;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
