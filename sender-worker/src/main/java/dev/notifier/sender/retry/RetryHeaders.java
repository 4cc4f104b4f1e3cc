package dev.notifier.sender.retry;

import dev.notifier.schemas.ReplayHeaders;
import dev.notifier.sender.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers a notification carries through the retry and wait tiers: how many attempts failed,
 * when the first failed, when it may be taken from its topic, when a wait ends, why it waits, what the last failed
 * attempt got (the server's reply, the exception's class), and where it first came from (the send topic's partition
 * and offset, which its dead letter names; for a replayed dead letter also when it was replayed). They travel with
 * the record, so any worker can pick it up.
 */
public final class RetryHeaders {

  public static final String ATTEMPTS = "notifier.retry.attempts";
  public static final String FIRST_FAILURE = "notifier.retry.first-failure";
  public static final String DUE = "notifier.retry.due";
  public static final String REASON = "notifier.retry.reason";
  /** On a wait tier: when the wait really ends (the record hops to shorter tiers until then). */
  public static final String WAIT_UNTIL = "notifier.retry.wait-until";
  /**
   * The last failed attempt's SMTP reply as the server sent it ({@code 451 4.3.0 Local error}), absent when it got
   * none. It travels on through the wait tiers, so mail that runs out of time while it waits is dead-lettered with
   * the reply that made it wait.
   */
  public static final String LAST_REPLY = "notifier.retry.last-reply";
  /** The class of the last failed attempt's underlying exception ({@code java.net.SocketTimeoutException}). */
  public static final String LAST_EXCEPTION = "notifier.retry.last-exception";
  public static final String ORIGINAL_TOPIC = "notifier.original.topic";
  public static final String ORIGINAL_PARTITION = "notifier.original.partition";
  public static final String ORIGINAL_OFFSET = "notifier.original.offset";
  /**
   * The account an attempt with an unknown outcome was made on: the message may be queued there, so
   * it is sent again only there, never failed over, for the rest of its retries.
   */
  public static final String UNKNOWN_OUTCOME_ACCOUNT = "notifier.unknown-outcome.account";

  private RetryHeaders() {
  }

  /** Failed attempts so far; 0 for fresh mail. */
  public static int attempts(Headers headers) throws MalformedHeaderException {
    String value = text(headers, ATTEMPTS);
    return value == null ? 0 : (int) number(ATTEMPTS, value, 0, Integer.MAX_VALUE, "a count of failed attempts");
  }

  /** When the first attempt failed; null for fresh mail. */
  public static Instant firstFailure(Headers headers) throws MalformedHeaderException {
    String value = text(headers, FIRST_FAILURE);
    return value == null ? null : instant(FIRST_FAILURE, value);
  }

  /** When the record may be tried again; the epoch when it has no due time (fresh mail). */
  public static Instant due(Headers headers) throws MalformedHeaderException {
    String value = text(headers, DUE);
    return value == null ? Instant.EPOCH : instant(DUE, value);
  }

  /** When a wait-tier record's wait ends; null when it has none (fresh mail, retry tiers). */
  public static Instant waitUntil(Headers headers) throws MalformedHeaderException {
    String value = text(headers, WAIT_UNTIL);
    return value == null ? null : instant(WAIT_UNTIL, value);
  }

  /** The account of an earlier attempt whose outcome is unknown, or null. */
  public static String unknownOutcomeAccount(Headers headers) {
    return text(headers, UNKNOWN_OUTCOME_ACCOUNT);
  }

  /** Why the record waited last time; null for fresh mail. */
  public static String reason(Headers headers) {
    return text(headers, REASON);
  }

  /**
   * The last failed attempt's reply; null for fresh mail, after an attempt the server never answered, or when the
   * header is not a reply (it only informs a dead letter, so it is not worth failing the delivery for).
   */
  public static SmtpReply lastReply(Headers headers) {
    return SmtpReply.parse(text(headers, LAST_REPLY));
  }

  /** The last failed attempt's exception class; null for fresh mail. */
  public static String lastException(Headers headers) {
    return text(headers, LAST_EXCEPTION);
  }

  /** Writes what the failed attempt got: {@code reply} (null when none) and its exception's class (null when none). */
  public static void writeLastFailure(Headers headers, SmtpReply reply, String exceptionClass) {
    if (reply != null) {
      headers.add(LAST_REPLY, utf8(reply.toString()));
    }
    if (exceptionClass != null) {
      headers.add(LAST_EXCEPTION, utf8(exceptionClass));
    }
  }

  /** Copies the last failed attempt's headers from {@code record} to {@code target}: a wait changes neither. */
  public static void carryLastFailure(ConsumerRecord<?, ?> record, Headers target) {
    copy(record.headers(), target, LAST_REPLY, LAST_EXCEPTION);
  }

  /**
   * Writes the headers: {@code due} is when the record may be taken from its topic, {@code waitUntil}
   * (null on retry tiers) when a wait-tier record's wait really ends.
   */
  public static void write(Headers headers, int attempts, Instant firstFailure, Instant due, Instant waitUntil,
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

  /**
   * Copies the record's origin headers (or, on its first hop, its own position) to {@code target}, and when it
   * was replayed from the dead-letter topic ({@link ReplayHeaders#AT}), which its delivery delay counts from.
   */
  public static void carryOrigin(ConsumerRecord<?, ?> record, Headers target) {
    for (String key : new String[] {UNKNOWN_OUTCOME_ACCOUNT, ReplayHeaders.AT}) {
      Header header = record.headers().lastHeader(key);
      if (header != null && target.lastHeader(key) == null) {
        target.add(key, header.value());
      }
    }
    if (record.headers().lastHeader(ORIGINAL_TOPIC) != null) {
      copy(record.headers(), target, ORIGINAL_TOPIC, ORIGINAL_PARTITION, ORIGINAL_OFFSET);
      return;
    }
    target.add(ORIGINAL_TOPIC, utf8(record.topic()));
    target.add(ORIGINAL_PARTITION, utf8(String.valueOf(record.partition())));
    target.add(ORIGINAL_OFFSET, utf8(String.valueOf(record.offset())));
  }

  /** Adds to {@code target} the last value {@code source} has of each of {@code keys}, skipping those it lacks. */
  private static void copy(Headers source, Headers target, String... keys) {
    for (String key : keys) {
      Header header = source.lastHeader(key);
      if (header != null) {
        target.add(key, header.value());
      }
    }
  }

  private static Instant instant(String key, String value) {
    return Instant.ofEpochMilli(number(key, value, Long.MIN_VALUE, Long.MAX_VALUE, "a time in epoch milliseconds"));
  }

  private static long number(String key, String value, long min, long max, String expected) {
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new MalformedHeaderException(key, value, expected, e);
    }
    if (number < min || number > max) {
      throw new MalformedHeaderException(key, value, expected, null);
    }
    return number;
  }

  private static String text(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
