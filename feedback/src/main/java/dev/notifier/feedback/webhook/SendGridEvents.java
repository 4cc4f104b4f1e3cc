package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.SendGridArgs;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * SendGrid's event webhook (a JSON array of events) as feedback: a {@code bounce} of type
 * {@code bounce} is hard (type {@code blocked} is about the sender's reputation or content: nothing),
 * {@code spamreport} a complaint, {@code unsubscribe} and {@code group_unsubscribe} unsubscribes from all
 * mail; deliveries, opens, clicks, deferrals and drops say nothing new. The notification id is the
 * {@code notification_id} unique argument the worker sends with every message SendGrid relays
 * ({@link SendGridArgs}), which SendGrid copies into each event.
 */
final class SendGridEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SendGridEvents() {
  }

  static List<Feedback> read(byte[] body) throws Refusal {
    JsonNode events;
    try {
      events = JSON.readTree(body);
    } catch (IOException e) {
      throw new Refusal("malformed", "the SendGrid request is not a JSON array of events");
    }
    if (!events.isArray()) {
      throw new Refusal("malformed", "the SendGrid request is not a JSON array of events");
    }
    List<Feedback> out = new ArrayList<>();
    for (JsonNode e : events) {
      FeedbackKind kind = switch (e.path("event").asText("")) {
        case "bounce" -> "blocked".equals(e.path("type").asText("bounce")) ? null : FeedbackKind.HARD_BOUNCE;
        case "spamreport" -> FeedbackKind.COMPLAINT;
        case "unsubscribe", "group_unsubscribe" -> FeedbackKind.UNSUBSCRIBE;
        default -> null;
      };
      if (kind == null || !e.hasNonNull("email")) {
        continue;
      }
      String reason = e.path("reason").asText(null);
      Integer code = reason != null && reason.matches("^[2-5]\\d\\d[ -].*") ? Integer.valueOf(reason.substring(0, 3))
          : null;
      out.add(Feedback.newBuilder().setAddress(NotificationIds.normalize(e.get("email").asText())).setKind(kind)
          .setNotificationId(e.path(SendGridArgs.NOTIFICATION_ID).asText(null)).setReplyCode(code)
          .setEnhancedCode(e.path("status").asText(null)).setDiagnostic(reason).setSource("sendgrid")
          .setAt(Instant.ofEpochSecond(e.path("timestamp").asLong(0))).build());
    }
    return out;
  }
}
