package dev.notifier.streams.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.Fingerprints;
import dev.notifier.schemas.SchemaHistory;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.json.JsonRecords;
import dev.notifier.schemas.registry.RegistryClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.common.header.Headers;

/**
 * Turns the bytes of an upstream event into a {@link DomainEvent}: Avro single-object encoding
 * (checked against the known schema fingerprints) or JSON of the same shape. Anything else is an
 * {@link InvalidRecordException} with the reason; the parser never lets bad input escape as
 * another exception type.
 */
public final class EventParser {

  /** The event schemas read: the current one and every shipped one (schema evolution). */
  private static final List<Schema> SCHEMAS = known();
  /** Every fingerprint accepted, for the reason given when a record's is none of them. */
  private static final List<String> ACCEPTED = Fingerprints.accepted(SCHEMAS);

  /** The fingerprints Avro for Python 1.11 computes for them (see {@link Fingerprints}), read as the spec's. */
  private static final Map<Long, Long> ALIASES = Fingerprints.aliases(SCHEMAS);

  private final AvroSerde<DomainEvent> avro = AvroSerde.withHistory(DomainEvent.class, DomainEvent.getClassSchema(),
      null);
  private final ObjectMapper json = new ObjectMapper();
  private final int maxBytes;
  private final RegistryEvents registry;

  /** @param maxBytes the largest event accepted; larger ones are invalid ({@code too-large}) */
  public EventParser(int maxBytes) {
    this(maxBytes, null);
  }

  /**
   * @param maxBytes the largest event accepted; larger ones are invalid ({@code too-large})
   * @param registry the schema registry for events in its wire format; null: such events are invalid
   */
  public EventParser(int maxBytes, RegistryClient registry) {
    this.maxBytes = maxBytes;
    this.registry = registry == null ? null : new RegistryEvents(registry);
  }

  public DomainEvent parse(byte[] bytes) {
    return parse(bytes, null);
  }

  /**
   * Parses an event; {@code headers} may carry the registry id instead of the value (Apicurio's
   * header mode). Throws {@link dev.notifier.schemas.registry.RegistryUnavailableException} — not
   * an invalid record — when the registry must be asked and none answers.
   */
  public DomainEvent parse(byte[] bytes, Headers headers) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidRecordException("empty", "the record has no value");
    }
    if (bytes.length > maxBytes) {
      throw new InvalidRecordException("too-large", "the event is " + bytes.length + " bytes; the limit is "
          + maxBytes + " (streams.maxEventBytes)");
    }
    RegistryEvents.SchemaId headerId = RegistryEvents.headerId(headers);
    if (headerId != null) {
      return registry().fromRegistry(headerId, bytes, 0);
    }
    Encoding encoding = Encoding.of(bytes);
    switch (encoding) {
      case CONFLUENT:
        return registry().fromRegistry(RegistryEvents.wireId(bytes), bytes, RegistryEvents.WIRE_HEADER);
      case AVRO_SINGLE_OBJECT:
        return fromAvro(bytes);
      case JSON:
        return fromJson(bytes);
      default:
        throw new InvalidRecordException("unknown-encoding", "the value is neither Avro single-object "
            + "encoding (C3 01 + fingerprint) nor a JSON object; its first byte is 0x"
            + String.format("%02X", bytes[0] & 0xFF));
    }
  }

  private RegistryEvents registry() {
    if (registry == null) {
      throw new InvalidRecordException("unknown-encoding", "the value is in a schema registry's wire format "
          + "(magic byte 0 and a schema id, or the id in a header); configure streams.schemaRegistry to read it");
    }
    return registry;
  }

  private static List<Schema> known() {
    List<Schema> schemas = new ArrayList<>(SchemaHistory.of(DomainEvent.getClassSchema().getName()));
    schemas.add(DomainEvent.getClassSchema());
    return List.copyOf(schemas);
  }

  private DomainEvent fromAvro(byte[] bytes) {
    try {
      return avro.decode(Fingerprints.toSpec(bytes, ALIASES));
    } catch (MissingSchemaException e) {
      throw new InvalidRecordException("bad-avro", "the event was written with a schema this notifier does not "
          + "know (fingerprint " + Fingerprints.hex(Fingerprints.writerOf(bytes)) + "); it reads DomainEvent with fingerprints "
          + String.join(", ", ACCEPTED) + ": run `notifier schemas` to see them and their .avsc", e);
    } catch (IOException | RuntimeException e) {
      throw new InvalidRecordException("bad-avro", "cannot decode Avro single-object event: " + e.getMessage(), e);
    }
  }

  private DomainEvent fromJson(byte[] bytes) {
    try {
      return JsonRecords.event(json.readTree(bytes));
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException("bad-json", "malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidRecordException("bad-json", "cannot read JSON: " + e.getMessage(), e);
    }
  }
}
