package dev.notifier.sender;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.SchemaHistory;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryDecoder;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.schemas.registry.RegistryValueSerde;
import dev.notifier.sender.guard.ForgedSender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>With {@code streams.schemaRegistry.outputs: registry} the send topic holds the schema registry's
 * wire format (byte 0, a 4-byte schema id, the body): such a record is read with the writer schema the
 * registry gives for its id, which {@link #forgedSender} looks at too, so a record whose registered
 * schema asks for a From is refused as one in single-object encoding is. A worker configured without
 * a registry reads single-object encoding only and needs none; a wire-format record then cannot be
 * read, and the message says which section to add. An id the registry does not have, or a schema of
 * another record type, makes the record unreadable (the caller's to dead-letter), but a registry that
 * does not answer ({@link RegistryUnavailableException}) is not the record's fault: it propagates,
 * like the schema topic's unavailability, and the caller tries the record again later. Having met one,
 * the decoder does not ask the registry again for {@link #REGISTRY_QUIET} about an id it has not read
 * yet — it throws at once — so a registry that is down costs the poll loop one time-out per
 * {@link #REGISTRY_QUIET}, not one per partition held; ids read before need no registry.
 */
final class NotificationDecoder {

  /** Avro single-object encoding: two marker bytes, then the writer schema's 8-byte fingerprint. */
  private static final int HEADER = 10;
  /** How long after a registry failed to answer it is not asked again. */
  static final Duration REGISTRY_QUIET = PartitionSource.SCHEMA_RETRY;

  private final AvroSerde<Notification> serde;
  private final SchemaStore store;
  private final RegistryDecoder<Notification> registry;
  private final Clock clock;
  private final Map<Long, Schema> shipped = new HashMap<>();
  private volatile Instant registryQuietUntil = Instant.MIN;
  private volatile String registryFailure;

  /** A decoder of single-object encoding only: a worker configured without a schema registry. */
  NotificationDecoder(SchemaStore store) {
    this(store, null, Clock.systemUTC());
  }

  /** A decoder that reads the wire format with {@code registry} too, when it is not null. */
  NotificationDecoder(SchemaStore store, RegistryDecoder<Notification> registry, Clock clock) {
    this.serde = AvroSerde.withHistory(Notification.class, Notification.getClassSchema(), store);
    this.store = store;
    this.registry = registry;
    this.clock = clock;
    shipped.put(SchemaNormalization.parsingFingerprint64(Notification.getClassSchema()), Notification.getClassSchema());
    SchemaHistory.of(Notification.getClassSchema().getName())
        .forEach(s -> shipped.put(SchemaNormalization.parsingFingerprint64(s), s));
  }

  /**
   * The decoder of a worker of {@code topics}: it reads the wire format when the send topic's serde does
   * ({@code streams.schemaRegistry} configured, see {@code RegistryOutputs}), with the same registry client.
   */
  static NotificationDecoder of(SchemaStore store, Topics topics, Clock clock) {
    RegistryDecoder<Notification> registry = topics.send().valueSerde() instanceof RegistryValueSerde<Notification> r
        ? r.wireDecoder() : null;
    return new NotificationDecoder(store, registry, clock);
  }

  Notification decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("the record has no value (a tombstone)");
    }
    if (Encoding.of(bytes) == Encoding.CONFLUENT) {
      return ask(bytes, () -> wire(bytes).decode(bytes));
    }
    return serde.decode(bytes);
  }

  /**
   * What in {@code record} (decoded already) asks for addressing of its own; see {@link ForgedSender}.
   * Throws as {@link #decode} does when the record's registry writer schema cannot be had.
   */
  Optional<String> forgedSender(ConsumerRecord<String, byte[]> record) throws IOException {
    return ForgedSender.find(writerSchema(record.value()), Notification.getClassSchema(), record.headers());
  }

  private Schema writerSchema(byte[] bytes) throws IOException {
    if (bytes != null && registry != null && Encoding.of(bytes) == Encoding.CONFLUENT) {
      return ask(bytes, () -> registry.writerSchema(bytes));
    }
    if (bytes == null || bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      return null;
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema known = shipped.get(fingerprint);
    return known != null || store == null ? known : store.findByFingerprint(fingerprint);
  }

  private RegistryDecoder<Notification> wire(byte[] bytes) throws IOException {
    if (registry == null) {
      throw new IOException("the value is in a schema registry's wire format (byte 0, schema id "
          + RegistryDecoder.wireId(bytes) + ") and this worker has no schema registry configured: give it the "
          + "streams.schemaRegistry section (urls) the streams app has, then replay the dead letter");
    }
    return registry;
  }

  private interface RegistryCall<T> {
    T call() throws IOException;
  }

  /** One use of the registry, unless it failed to answer lately and the id is not known already. */
  private <T> T ask(byte[] bytes, RegistryCall<T> call) throws IOException {
    long id = RegistryDecoder.wireId(bytes);
    if (registry != null && !registry.knows(id) && clock.instant().isBefore(registryQuietUntil)) {
      throw new RegistryUnavailableException("schema id " + id + " is not known yet and the schema registry did "
          + "not answer lately (" + registryFailure + "); asking again after " + registryQuietUntil, null);
    }
    try {
      return call.call();
    } catch (RuntimeException e) {
      if (RegistryUnavailableException.isCauseOf(e)) {
        registryFailure = e.getMessage();
        registryQuietUntil = clock.instant().plus(REGISTRY_QUIET);
      }
      throw e;
    }
  }
}
