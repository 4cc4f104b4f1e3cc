package dev.notifier.sender;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a notification carries through the retry and wait tiers: how many attempts failed,
 * when the first failed, when the record may be taken from its tier ({@code due}), when its wait
 * really ends ({@code wait-until}, on wait tiers: it hops to shorter tiers until then), and why it
 * waits. They travel with the record, so any worker can pick it up. A header that is present but
 * not a number is a {@link Malformed} fact about the record, never an exception out of the loop.
 */
final class RetryHeaders {

  static final String ATTEMPTS = "notifier.retry.attempts";
  static final String FIRST_FAILURE = "notifier.retry.first-failure";
  static final String DUE = "notifier.retry.due";
  static final String WAIT_UNTIL = "notifier.retry.wait-until";
  static final String REASON = "notifier.retry.reason";

  /** A retry header that cannot be read: the record becomes a dead letter that names it. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String header, String value) {
      super("header " + header + " is '" + value + "', not a number");
    }
  }

  /** What the headers say, read at once. */
  record Facts(int attempts, Instant firstFailure, Instant due, Instant waitUntil, String reason) {
  }

  private RetryHeaders() {
  }

  static Facts read(Headers headers) throws Malformed {
    return new Facts((int) number(headers, ATTEMPTS, 0), instant(headers, FIRST_FAILURE, null),
        instant(headers, DUE, Instant.EPOCH), instant(headers, WAIT_UNTIL, null), text(headers, REASON));
  }

  /** Why the record waited last time; null for fresh mail. */
  static String reason(Headers headers) {
    return text(headers, REASON);
  }

  static void write(Headers headers, int attempts, Instant firstFailure, Instant due, Instant waitUntil,
      String reason) {
    headers.add(ATTEMPTS, utf8(String.valueOf(attempts)));
    if (firstFailure != null) {
      headers.add(FIRST_FAILURE, utf8(String.valueOf(firstFailure.toEpochMilli())));
    }
    headers.add(DUE, utf8(String.valueOf(due.toEpochMilli())));
    if (waitUntil != null) {
      headers.add(WAIT_UNTIL, utf8(String.valueOf(waitUntil.toEpochMilli())));
    }
    headers.add(REASON, utf8(reason));
  }

  private static Instant instant(Headers headers, String key, Instant absent) throws Malformed {
    String value = text(headers, key);
    return value == null ? absent : Instant.ofEpochMilli(number(headers, key, 0));
  }

  private static long number(Headers headers, String key, long absent) throws Malformed {
    String value = text(headers, key);
    if (value == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0 || (key.equals(ATTEMPTS) && n > Integer.MAX_VALUE)) {
        throw new Malformed(key, value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new Malformed(key, value);
    }
  }

  private static String text(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
