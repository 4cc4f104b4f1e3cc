package dev.notifier.streams.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DomainEvent;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.InvalidRecordException;
import dev.notifier.schemas.json.JsonRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Turns the bytes of an upstream event into a {@link DomainEvent}: Avro single-object encoding
 * (checked against the known schema fingerprints) or JSON of the same shape. Anything else is an
 * {@link InvalidRecordException} with the reason; the parser never lets bad input escape as
 * another exception type.
 */
public final class EventParser {

  /** Earlier versions of the event schema that are still read (schema evolution). */
  private static final List<String> HISTORY = List.of("/avro-history/DomainEvent-v1.avsc");

  private final AvroSerde<DomainEvent> avro = withHistory(
      new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()));
  private final ObjectMapper json = new ObjectMapper();
  private final int maxBytes;

  /** @param maxBytes the largest event accepted; larger ones are invalid ({@code too-large}) */
  public EventParser(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  public DomainEvent parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidRecordException("empty", "the record has no value");
    }
    if (bytes.length > maxBytes) {
      throw new InvalidRecordException("too-large", "the event is " + bytes.length + " bytes; the limit is "
          + maxBytes + " (streams.maxEventBytes)");
    }
    Encoding encoding = Encoding.of(bytes);
    switch (encoding) {
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

  private static AvroSerde<DomainEvent> withHistory(AvroSerde<DomainEvent> serde) {
    for (String resource : HISTORY) {
      try (InputStream in = EventParser.class.getResourceAsStream(resource)) {
        serde.alsoReading(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the event schema history " + resource, e);
      }
    }
    return serde;
  }

  private DomainEvent fromAvro(byte[] bytes) {
    try {
      return avro.decode(bytes);
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
