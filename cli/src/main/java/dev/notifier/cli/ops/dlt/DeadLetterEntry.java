package dev.notifier.cli.ops.dlt;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.Notification;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * One record of the dead-letter topic as the tools see it: where it sits (partition, offset), the
 * dead letter, and its headers (the original send-topic position, {@code notifier.original.*}).
 */
public record DeadLetterEntry(String topic, int partition, long offset, DeadLetter letter, Map<String, String> headers) {

  /** The notification; null for a record the worker could not decode ({@code UNDECODABLE}: see {@link #rawValue()}). */
  public Notification notification() {
    return letter.getNotification();
  }

  /** Whether this dead letter holds the record's bytes rather than a notification. */
  public boolean undecoded() {
    return letter.getNotification() == null;
  }

  /** The undecodable record's value as received; null for an ordinary dead letter. */
  public byte[] rawValue() {
    if (letter.getRawValue() == null) {
      return null;
    }
    java.nio.ByteBuffer b = letter.getRawValue().duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }

  /** The notification id, or for an undecodable record its key (the ledger's key for it). */
  public String notificationId() {
    if (undecoded()) {
      return letter.getRecordKey() != null ? letter.getRecordKey() : "unreadable:" + topic + ":" + position();
    }
    return notification().getNotificationId();
  }

  public String account() {
    return letter.getAccount();
  }

  public String failureClass() {
    return letter.getFailureClass();
  }

  public String replyCode() {
    return letter.getReplyCode() == null ? "" : String.valueOf(letter.getReplyCode());
  }

  public String enhancedCode() {
    return letter.getEnhancedCode() == null ? "" : letter.getEnhancedCode();
  }

  public String recipient() {
    if (undecoded()) {
      return "";
    }
    String email = notification().getRecipient().getEmail();
    return email == null ? "" : email;
  }

  /** The recipient's domain, lower case; empty when there is no address. */
  public String domain() {
    String r = recipient();
    int at = r.lastIndexOf('@');
    return at < 0 ? "" : r.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  public String eventType() {
    return undecoded() ? "" : notification().getEventType();
  }

  /** The template it was rendered from; empty for a record a worker could not decode. */
  public String template() {
    return undecoded() ? "" : notification().getTemplate();
  }

  public String eventId() {
    return undecoded() ? "" : notification().getEventId();
  }

  /** When it became a dead letter (its last failure). */
  public Instant failedAt() {
    return letter.getLastFailureAt();
  }

  /** Where it sits in the dead-letter topic, {@code partition@offset}. */
  public String position() {
    return partition + "@" + offset;
  }
}
