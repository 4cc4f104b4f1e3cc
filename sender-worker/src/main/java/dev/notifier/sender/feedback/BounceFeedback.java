package dev.notifier.sender.feedback;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.retry.AttemptFeedback;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.smtp.SmtpReply;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The feedback record for a synchronous rejection, written by the dead-letter and retry writers in
 * the same acknowledged batch as the outcome, so an address's bounce reaches {@code notifier.feedback}
 * exactly when its dead letter or retry is recorded (at least once, like every outcome). Keyed by the
 * normalised address; its source is {@code smtp:<account>}, the account whose server refused.
 */
public final class BounceFeedback implements AttemptFeedback {

  private final String topic;

  public BounceFeedback(Topics topics) {
    this.topic = topics.feedback().name();
  }

  /** The records to add for {@code n}'s failure classified {@code c}: one, or none when it says nothing of the address. */
  @Override
  public List<ProducerRecord<String, Object>> records(Notification n, Classification c, SmtpReply reply, Instant at) {
    return BounceRules.of(c).map(kind -> {
      String address = NotificationIds.normalize(n.getRecipient().getEmail());
      Feedback f = Feedback.newBuilder()
          .setAddress(address)
          .setKind(kind)
          .setNotificationId(n.getNotificationId())
          .setReplyCode(reply == null ? null : reply.code())
          .setEnhancedCode(reply == null ? null : reply.enhancedCode())
          .setDiagnostic(reply == null ? c.kind() : reply.text())
          .setSource("smtp:" + n.getAccount())
          .setAt(at)
          .build();
      return List.of(new ProducerRecord<String, Object>(topic, address, f));
    }).orElse(List.of());
  }
}
