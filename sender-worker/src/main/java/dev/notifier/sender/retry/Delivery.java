package dev.notifier.sender.retry;

import dev.notifier.avro.Notification;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One notification on its way: the record it came from (the send topic or a retry topic), how
 * many attempts have failed before, and when the first one failed (null before any failure), as its
 * {@link RetryHeaders} say.
 */
public record Delivery(ConsumerRecord<String, Notification> record, int failedAttempts, Instant firstFailure) {

  /** The delivery of a record, with the attempts its retry headers count. */
  public static Delivery of(ConsumerRecord<String, Notification> record) {
    return new Delivery(record, RetryHeaders.attempts(record.headers()), RetryHeaders.firstFailure(record.headers()));
  }

  public Notification notification() {
    return record.value();
  }

  public TopicPartition partition() {
    return new TopicPartition(record.topic(), record.partition());
  }

  public long offset() {
    return record.offset();
  }
}
