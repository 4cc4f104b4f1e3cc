package dev.notifier.streams.parse;

import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryDecoder;
import dev.notifier.schemas.registry.UnknownSchemaIdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Events a producer wrote with a schema registry's serializer: the Confluent wire format (byte 0, a
 * 4-byte big-endian schema id, the Avro body) or Apicurio's header mode (the id in a record header,
 * the bare Avro body as the value). The writer schema comes from the registry by id and is resolved
 * against the notifier's {@link DomainEvent} schema as Avro's rules say — a field added with a default
 * is read, one the notifier needs and the writer lacks without a default is {@code incompatible-schema}.
 * Decoding keeps Avro's limits (installed once for the process by {@code AvroLimits}).
 */
final class RegistryEvents {

  /** Magic byte and schema id before the Avro body. */
  static final int WIRE_HEADER = RegistryDecoder.WIRE_HEADER;
  /** Apicurio's header-mode ids (8-byte big-endian longs): a global id, or a content id. */
  static final String GLOBAL_ID_HEADER = "apicurio.value.globalId";
  static final String CONTENT_ID_HEADER = "apicurio.value.contentId";

  /**
   * A schema id: a content id — the Confluent-compatible API's id, the one the wire format and Apicurio's
   * {@code contentId} header carry — or an Apicurio global id, another number space.
   */
  record SchemaId(long id, boolean global) {

    static SchemaId content(long id) {
      return new SchemaId(id, false);
    }

    @Override
    public String toString() {
      return global ? "Apicurio global id " + id : "registry id " + id;
    }
  }

  private final RegistryClient registry;
  private final Map<SchemaId, SpecificDatumReader<DomainEvent>> readers = new ConcurrentHashMap<>();

  RegistryEvents(RegistryClient registry) {
    this.registry = registry;
  }

  static long wireId(byte[] bytes) {
    return RegistryDecoder.wireId(bytes);
  }

  /** The schema id a header carries, or null when the record has none. */
  static SchemaId headerId(Headers headers) {
    if (headers == null) {
      return null;
    }
    Long global = longHeader(headers, GLOBAL_ID_HEADER);
    if (global != null) {
      return new SchemaId(global, true);
    }
    Long content = longHeader(headers, CONTENT_ID_HEADER);
    return content == null ? null : SchemaId.content(content);
  }

  private static Long longHeader(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h != null && h.value() != null && h.value().length == 8 ? ByteBuffer.wrap(h.value()).getLong() : null;
  }

  DomainEvent fromRegistry(long id, byte[] bytes, int offset) {
    return fromRegistry(SchemaId.content(id), bytes, offset);
  }

  DomainEvent fromRegistry(SchemaId id, byte[] bytes, int offset) {
    SpecificDatumReader<DomainEvent> reader = readers.get(id);
    if (reader == null) {
      Schema writer;
      try {
        writer = id.global() ? registry.schemaByGlobalId(id.id()) : registry.schemaById(id.id());
      } catch (UnknownSchemaIdException e) {
        throw new InvalidRecordException("unknown-schema-id", e.getMessage() + "; the producer must register its "
            + "schema in the registry the notifier reads (streams.schemaRegistry.urls)", e);
      }
      if (!writer.getFullName().equals(DomainEvent.getClassSchema().getFullName())
          && !writer.getName().equals(DomainEvent.getClassSchema().getName())) {
        throw new InvalidRecordException("incompatible-schema", id + " is " + writer.getFullName()
            + ", not a DomainEvent: publish events with the schema `notifier schemas --avsc DomainEvent` prints");
      }
      reader = new SpecificDatumReader<>(writer, DomainEvent.getClassSchema(), SpecificData.getForClass(DomainEvent.class));
      readers.put(id, reader);
    }
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null);
      DomainEvent event = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new InvalidRecordException("bad-avro", "the event has " + (bytes.length - offset) + " bytes, more than "
            + "its schema (" + id + ") reads: the value is not one Avro datum");
      }
      return event;
    } catch (AvroTypeException e) {
      readers.remove(id);
      throw new InvalidRecordException("incompatible-schema", "the writer schema (" + id + ") cannot be "
          + "read as the notifier's DomainEvent: " + e.getMessage() + "; a field the notifier needs must stay, or "
          + "be added with a default", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidRecordException invalid) {
        throw invalid;
      }
      throw new InvalidRecordException("bad-avro", "cannot decode the event written with " + id
          + ": " + e.getMessage(), e);
    }
  }
}
