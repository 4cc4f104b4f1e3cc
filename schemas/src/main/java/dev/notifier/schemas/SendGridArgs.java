package dev.notifier.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * The notification id as a SendGrid unique argument: mail relayed through SendGrid's SMTP service
 * carries it in the {@value #HEADER} header ({@code {"unique_args":{"notification_id":"<id>"}}}),
 * SendGrid strips the header and copies each unique argument into every event of that message, and
 * the webhook reader finds the id under {@value #NOTIFICATION_ID} again. SendGrid's events quote no
 * header of the original, so without it a SendGrid bounce or complaint cannot be tied to its
 * notification. Both sides use this class, so what is read is exactly what is written.
 */
public final class SendGridArgs {

  /** The header SendGrid's SMTP relay reads its per-message settings from. */
  public static final String HEADER = "X-SMTPAPI";
  /** The unique argument, and the key of SendGrid's events, holding the notification id. */
  public static final String NOTIFICATION_ID = "notification_id";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SendGridArgs() {
  }

  /** The {@value #HEADER} value carrying {@code notificationId} (JSON, escaped, on one line). */
  public static String header(String notificationId) {
    try {
      return JSON.writeValueAsString(Map.of("unique_args", Map.of(NOTIFICATION_ID, notificationId)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the " + HEADER + " header for notification " + notificationId, e);
    }
  }
}
