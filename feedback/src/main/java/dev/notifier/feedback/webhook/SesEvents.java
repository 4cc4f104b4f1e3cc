package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.NotificationIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Amazon SES bounce and complaint notifications (the SNS message's {@code Message}) as feedback: a
 * {@code Permanent} bounce is hard, a {@code Transient} one soft, an {@code Undetermined} one nothing;
 * a complaint is a complaint unless its feedback type is {@code not-spam}. The notification id is the
 * original's {@code X-Notifier-Notification-Id} header, which SES returns in {@code mail.headers}.
 */
final class SesEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SesEvents() {
  }

  /** The feedback of SES notification {@code message}; {@code sent} (the SNS Timestamp) dates events that carry no time. */
  static List<Feedback> read(String message, Instant sent) throws Refusal {
    JsonNode n;
    try {
      n = JSON.readTree(message);
    } catch (java.io.IOException e) {
      throw new Refusal("malformed", "the SNS Message is not an SES notification (not JSON)");
    }
    String type = n.path("notificationType").asText(n.path("eventType").asText(""));
    String id = notificationId(n.path("mail").path("headers"));
    List<Feedback> out = new ArrayList<>();
    if (type.equals("Bounce")) {
      JsonNode b = n.path("bounce");
      FeedbackKind kind = switch (b.path("bounceType").asText("")) {
        case "Permanent" -> FeedbackKind.HARD_BOUNCE;
        case "Transient" -> FeedbackKind.SOFT_BOUNCE;
        default -> null;
      };
      for (JsonNode r : b.path("bouncedRecipients")) {
        if (kind != null && r.hasNonNull("emailAddress")) {
          String diagnostic = r.path("diagnosticCode").asText(null);
          out.add(feedback(r.path("emailAddress").asText(), kind, id, r.path("status").asText(null),
              diagnostic == null ? b.path("bounceSubType").asText(null) : diagnostic, time(b, sent)));
        }
      }
    } else if (type.equals("Complaint")) {
      JsonNode c = n.path("complaint");
      if (!c.path("complaintFeedbackType").asText("").toLowerCase(Locale.ROOT).equals("not-spam")) {
        for (JsonNode r : c.path("complainedRecipients")) {
          out.add(feedback(r.path("emailAddress").asText(), FeedbackKind.COMPLAINT, id, null,
              "complaint" + (c.hasNonNull("complaintFeedbackType") ? " (" + c.get("complaintFeedbackType").asText()
                  + ")" : ""), time(c, sent)));
        }
      }
    }
    return out;
  }

  private static String notificationId(JsonNode headers) {
    for (JsonNode h : headers) {
      if ("X-Notifier-Notification-Id".equalsIgnoreCase(h.path("name").asText())) {
        return h.path("value").asText(null);
      }
    }
    return null;
  }

  private static Instant time(JsonNode event, Instant sent) {
    try {
      return Instant.parse(event.path("timestamp").asText());
    } catch (java.time.format.DateTimeParseException e) {
      return sent;
    }
  }

  private static Feedback feedback(String address, FeedbackKind kind, String id, String status, String diagnostic,
      Instant at) {
    Integer code = null;
    String text = diagnostic;
    if (diagnostic != null && diagnostic.toLowerCase(Locale.ROOT).startsWith("smtp;")) {
      text = diagnostic.substring(5).strip();
    }
    if (text != null && text.matches("^[2-5]\\d\\d[ -].*")) {
      code = Integer.valueOf(text.substring(0, 3));
    }
    return Feedback.newBuilder().setAddress(NotificationIds.normalize(address)).setKind(kind).setNotificationId(id)
        .setReplyCode(code).setEnhancedCode(status).setDiagnostic(text).setSource("ses")
        .setAt(at).build();
  }
}
