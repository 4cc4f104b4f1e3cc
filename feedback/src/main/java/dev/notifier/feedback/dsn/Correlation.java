package dev.notifier.feedback.dsn;

import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.VerpAddress;
import jakarta.mail.internet.InternetHeaders;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ties a report to its notification, in order of trust: the {@code X-Notifier-Notification-Id}
 * header of the returned original, its {@code Message-ID} (the worker derives it from the id:
 * {@code <id@domain>}), the DSN's {@code Original-Envelope-Id}, or a VERP return path
 * {@code bounces+<id>@domain} the report was addressed to — the envelope sender an account's
 * {@code returnPath} makes the worker use, read back by the same {@link VerpAddress}.
 */
final class Correlation {

  static final String HEADER = "X-Notifier-Notification-Id";
  private static final Pattern ID = NotificationIds.ID;
  private static final Pattern MESSAGE_ID = Pattern.compile("<\\s*(" + ID.pattern() + ")@", Pattern.CASE_INSENSITIVE);

  private Correlation() {
  }

  /** The notification id of the returned original's headers (null: none), else of the envelope id or the VERP address. */
  static String notificationId(InternetHeaders original, String envelopeId, String reportRecipients) {
    if (original != null) {
      String header = original.getHeader(HEADER, null);
      if (header != null && ID.matcher(header.strip()).matches()) {
        return header.strip();
      }
      String messageId = original.getHeader("Message-ID", null);
      Matcher m = messageId == null ? null : MESSAGE_ID.matcher(messageId);
      if (m != null && m.find()) {
        return m.group(1);
      }
    }
    if (envelopeId != null && ID.matcher(envelopeId.strip()).matches()) {
      return envelopeId.strip();
    }
    return VerpAddress.notificationIdIn(reportRecipients);
  }
}
