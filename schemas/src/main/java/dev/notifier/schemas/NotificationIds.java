package dev.notifier.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Notification ids are derived, never random: the same (event, recipient address, template)
 * always yields the same id. Dedup, the ledger, replays and the SMTP {@code Message-ID} all rely
 * on that, so a resend is recognisable everywhere.
 */
public final class NotificationIds {

  /** What every id made here looks like (a name-based UUID); case-insensitive, as mail software may change case. */
  public static final Pattern ID = Pattern.compile(
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);

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

  /** Whether {@code text} is an id made here. */
  public static boolean isId(String text) {
    return text != null && ID.matcher(text).matches();
  }

  public static String normalize(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }

  private static String of(String eventId, String who, String template) {
    String name = eventId + '\n' + who + '\n' + template;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
