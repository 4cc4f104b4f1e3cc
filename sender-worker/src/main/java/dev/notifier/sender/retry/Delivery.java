package dev.notifier.sender.retry;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.schemas.ReplayHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * One notification on its way: the record it came from (the send topic, a retry or a wait tier),
 * the notification decoded from it, how many attempts have failed before and when the first one
 * failed (null before any failure), as its {@link RetryHeaders} say, and the send partition it
 * belongs to — its own partition on the send topic, and for a retry or wait record the send
 * partition its partition maps onto, whose owner sends it and counts it against the account's quotas.
 */
public record Delivery(ConsumerRecord<String, byte[]> record, Notification notification, int failedAttempts,
    Instant firstFailure, int sendPartition) {

  public TopicPartition partition() {
    return new TopicPartition(record.topic(), record.partition());
  }

  public long offset() {
    return record.offset();
  }

  /**
   * When the notifier was asked to send it, which its delivery delay counts from: when the topology released it
   * (the notification's {@code createdAt}: at once, or when its quiet hours ended or its digest closed), or, for a
   * dead letter replayed by {@code notifier dlt replay}, when it was replayed ({@link ReplayHeaders#AT}, carried
   * through the retry tiers); a replay header that is not an instant is ignored.
   */
  public Instant requestedAt() {
    Header replayed = record.headers().lastHeader(ReplayHeaders.AT);
    if (replayed != null) {
      try {
        return Instant.parse(new String(replayed.value(), StandardCharsets.UTF_8));
      } catch (DateTimeParseException e) {
        // only timing depends on it: the notification's own time will do
      }
    }
    return notification.getCreatedAt();
  }

  /** The notification's priority; records written before priorities existed read as NORMAL. */
  public Priority priority() {
    Priority priority = notification.getPriority();
    return priority == null ? Priority.NORMAL : priority;
  }
}
