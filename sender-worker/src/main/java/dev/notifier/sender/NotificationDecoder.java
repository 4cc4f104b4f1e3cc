package dev.notifier.sender;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.KafkaSchemaStore;
import java.io.IOException;
import org.apache.avro.message.SchemaStore;

/**
 * Reads a notification whatever release wrote it: the current schema, every schema the project has
 * shipped before ({@code avro-history/}), and any newer one, looked up by its fingerprint in the
 * schema topic — so a rolling upgrade, in either order, never makes a worker drop mail. A record no
 * schema explains is the caller's to dead-letter; {@link KafkaSchemaStore.Unavailable} (the schema
 * topic could not be read) is not the record's fault and propagates.
 */
final class NotificationDecoder {

  private final AvroSerde<Notification> serde;

  NotificationDecoder(SchemaStore store) {
    this.serde = AvroSerde.withHistory(Notification.class, Notification.getClassSchema(), store);
  }

  Notification decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("the record has no value (a tombstone)");
    }
    return serde.decode(bytes);
  }
}
