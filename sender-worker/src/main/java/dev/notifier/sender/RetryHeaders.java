package dev.notifier.sender;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a notification carries through the retry topics: how many attempts failed, when
 * the first failed, when it is due again, and why it waits. They travel with the record, so any
 * worker can pick it up.
 */
final class RetryHeaders {

  static final String ATTEMPTS = "notifier.retry.attempts";
  static final String FIRST_FAILURE = "notifier.retry.first-failure";
  static final String DUE = "notifier.retry.due";
  static final String REASON = "notifier.retry.reason";

  private RetryHeaders() {
  }

  static int attempts(Headers headers) {
    String value = text(headers, ATTEMPTS);
    return value == null ? 0 : Integer.parseInt(value);
  }

  static Instant firstFailure(Headers headers) {
    String value = text(headers, FIRST_FAILURE);
    return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value));
  }

  /** When the record may be tried again; the epoch when it has no due time (fresh mail). */
  static Instant due(Headers headers) {
    String value = text(headers, DUE);
    return value == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(value));
  }

  /** Why the record waited last time; null for fresh mail. */
  static String reason(Headers headers) {
    return text(headers, REASON);
  }

  static void write(Headers headers, int attempts, Instant firstFailure, Instant due, String reason) {
    headers.add(ATTEMPTS, utf8(String.valueOf(attempts)));
    if (firstFailure != null) {
      headers.add(FIRST_FAILURE, utf8(String.valueOf(firstFailure.toEpochMilli())));
    }
    headers.add(DUE, utf8(String.valueOf(due.toEpochMilli())));
    headers.add(REASON, utf8(reason));
  }

  private static String text(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
