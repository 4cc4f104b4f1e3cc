package dev.notifier.sender;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.SchemaHistory;
import dev.notifier.sender.guard.ForgedSender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a notification whatever release wrote it: the current schema, every schema the project has
 * shipped before ({@code avro-history/}), and any newer one, looked up by its fingerprint in the
 * schema topic — so a rolling upgrade, in either order, never makes a worker drop mail. A record no
 * schema explains is the caller's to dead-letter; {@link KafkaSchemaStore.Unavailable} (the schema
 * topic could not be read) is not the record's fault and propagates. A record that asks for a
 * sender of its own is found by {@link #forgedSender}.
 */
final class NotificationDecoder {

  /** Avro single-object encoding: two marker bytes, then the writer schema's 8-byte fingerprint. */
  private static final int HEADER = 10;

  private final AvroSerde<Notification> serde;
  private final SchemaStore store;
  private final Map<Long, Schema> shipped = new HashMap<>();

  NotificationDecoder(SchemaStore store) {
    this.serde = AvroSerde.withHistory(Notification.class, Notification.getClassSchema(), store);
    this.store = store;
    shipped.put(SchemaNormalization.parsingFingerprint64(Notification.getClassSchema()), Notification.getClassSchema());
    SchemaHistory.of(Notification.getClassSchema().getName())
        .forEach(s -> shipped.put(SchemaNormalization.parsingFingerprint64(s), s));
  }

  Notification decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("the record has no value (a tombstone)");
    }
    return serde.decode(bytes);
  }

  /** What in {@code record} (decoded already) asks for addressing of its own; see {@link ForgedSender}. */
  Optional<String> forgedSender(ConsumerRecord<String, byte[]> record) {
    return ForgedSender.find(writerSchema(record.value()), Notification.getClassSchema(), record.headers());
  }

  private Schema writerSchema(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      return null;
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema known = shipped.get(fingerprint);
    return known != null || store == null ? known : store.findByFingerprint(fingerprint);
  }
}
