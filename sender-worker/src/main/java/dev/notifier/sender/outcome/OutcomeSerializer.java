package dev.notifier.sender.outcome;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.Notification;
import dev.notifier.avro.QuotaUsage;
import dev.notifier.schemas.Topics;
import org.apache.kafka.common.serialization.Serializer;

/** Serializes what a worker writes: statuses, retried notifications, dead letters, usage and bounce feedback. */
public final class OutcomeSerializer implements Serializer<Object> {

  private final Serializer<DeliveryStatus> status;
  private final Serializer<DeadLetter> deadLetter;
  private final Serializer<Notification> notification;
  private final Serializer<QuotaUsage> usage;
  private final Serializer<Feedback> feedback;

  public OutcomeSerializer(Topics topics) {
    this.status = topics.status().valueSerde().serializer();
    this.deadLetter = topics.deadLetters().valueSerde().serializer();
    // the worker writes notifications to the retry and wait tiers only, which stay single-object whatever
    // format the send topic has (see Topics#retryTopics)
    this.notification = topics.retry(1).valueSerde().serializer();
    this.usage = topics.usage().valueSerde().serializer();
    this.feedback = topics.feedback().valueSerde().serializer();
  }

  @Override
  public byte[] serialize(String topic, Object value) {
    if (value instanceof DeliveryStatus s) {
      return status.serialize(topic, s);
    }
    if (value instanceof DeadLetter d) {
      return deadLetter.serialize(topic, d);
    }
    if (value instanceof Notification n) {
      return notification.serialize(topic, n);
    }
    if (value instanceof QuotaUsage u) {
      return usage.serialize(topic, u);
    }
    if (value instanceof Feedback f) {
      return feedback.serialize(topic, f);
    }
    if (value instanceof byte[] bytes) {
      // a retry or wait record serialized and signed by the RetryWriter (integrity on)
      return bytes;
    }
    if (value instanceof String schema) {
      // the schemas it writes, published to the schema topic at start-up
      return schema.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException("a worker writes statuses, retries, dead letters, usage, feedback and schemas only, not "
        + value);
  }
}
