package dev.notifier.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * Notification ids are derived, never random: the same (event, recipient address, template)
 * always yields the same id. Dedup, the ledger, replays and the SMTP {@code Message-ID} all rely
 * on that, so a resend is recognisable everywhere.
 */
public final class NotificationIds {

  private NotificationIds() {
  }

  /** The id for mail to {@code address}; the address is compared case-insensitively. */
  public static String forAddress(String eventId, String address, String template) {
    return of(eventId, normalize(address), template);
  }

  /** The id for a directory user who got no mail (e.g. no address): keyed by user instead. */
  public static String forUser(String eventId, String userId, String template) {
    return of(eventId, "user:" + userId, template);
  }

  public static String normalize(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }

  private static String of(String eventId, String who, String template) {
    String name = eventId + '\n' + who + '\n' + template;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
