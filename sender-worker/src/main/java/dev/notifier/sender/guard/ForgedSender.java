package dev.notifier.sender.guard;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Finds a record on the send topic that asks for addressing of its own — a From, Sender,
 * Reply-To, Return-Path, Cc, Bcc or raw headers — which the topology never writes: a
 * {@code Notification} has a recipient and an account, and the worker's From is always the
 * account's own {@code from}. Avro would silently drop such a field when it reads the record with
 * the worker's schema, and the worker reads no Kafka header for addressing, so nothing would come of
 * it; but a record that tries is not the topology's, and is refused (a POLICY dead letter) rather
 * than sent as if nothing had happened.
 *
 * <p>Looked at: the fields of the record's writer schema, and of its recipient, that the worker's
 * schema does not have; and the record's Kafka header keys. Names compare without case and
 * punctuation ({@code reply_to}, {@code Reply-To} and {@code replyTo} are one).
 */
public final class ForgedSender {

  private static final Set<String> ADDRESSING = Set.of("from", "sender", "replyto", "returnpath", "envelopefrom",
      "mailfrom", "to", "cc", "bcc", "headers");

  private ForgedSender() {
  }

  /**
   * What in the record asks for addressing, in a few words ({@code field 'from' of its schema}); empty
   * for a record the topology could have written. {@code writer} is null when unknown (then only the
   * headers are looked at).
   */
  public static Optional<String> find(Schema writer, Schema reader, Headers headers) {
    Optional<String> field = extraField(writer, reader, "");
    if (field.isPresent()) {
      return field;
    }
    for (Header header : headers) {
      if (ADDRESSING.contains(normalise(header.key()))) {
        return Optional.of("Kafka header '" + header.key() + "'");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> extraField(Schema writer, Schema reader, String path) {
    if (writer == null || writer.getType() != Schema.Type.RECORD || reader.getType() != Schema.Type.RECORD) {
      return Optional.empty();
    }
    for (Schema.Field f : writer.getFields()) {
      Schema.Field known = reader.getField(f.name());
      if (known == null && ADDRESSING.contains(normalise(f.name()))) {
        return Optional.of("field '" + path + f.name() + "' of its schema");
      }
      if (known != null && f.name().equals("recipient")) {
        Optional<String> inner = extraField(f.schema(), known.schema(), "recipient.");
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }

  private static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }
}
