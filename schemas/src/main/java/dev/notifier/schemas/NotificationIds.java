package dev.notifier.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    return nameUuid(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * {@link UUID#nameUUIDFromBytes}, the same version-3 id, with a digest kept per thread: that method
   * looks MD5 up among the security providers on every call, a visible share of the topology's time
   * at a few ids per recipient.
   */
  static UUID nameUuid(byte[] name) {
    byte[] md5 = MD5.get().digest(name);
    md5[6] = (byte) (md5[6] & 0x0f | 0x30);
    md5[8] = (byte) (md5[8] & 0x3f | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = msb << 8 | md5[i] & 0xff;
      lsb = lsb << 8 | md5[i + 8] & 0xff;
    }
    return new UUID(msb, lsb);
  }

  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new InternalError("MD5 is not supported by this JVM", e);
    }
  });
}
