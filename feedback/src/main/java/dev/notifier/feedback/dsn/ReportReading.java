package dev.notifier.feedback.dsn;

import dev.notifier.avro.Feedback;
import java.util.List;

/**
 * What one message from a bounce mailbox said: its format ({@code delivery-status} for RFC 3464,
 * {@code feedback-report} for RFC 5965 ARF, {@code plain-bounce} for the plain-text bounces of QQ,
 * 163 and old MTAs, {@code not-a-report}) and the feedback it gives — none for a delivered or
 * relayed recipient, a policy refusal, a not-spam report or a message that is no report at all.
 */
public record ReportReading(String format, List<Feedback> feedback) {

  public ReportReading {
    feedback = List.copyOf(feedback);
  }
}
