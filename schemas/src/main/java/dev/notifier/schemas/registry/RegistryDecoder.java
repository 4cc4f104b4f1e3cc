package dev.notifier.schemas.registry;

import dev.notifier.schemas.AvroLimits;
import dev.notifier.schemas.AvroSerde;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads records of one of the notifier's own types written in the Confluent wire format (byte 0, a
 * 4-byte big-endian schema id, the Avro body): the writer schema comes from the registry by id (the
 * client caches it, bounded) and is resolved against the notifier's reader schema by Avro's rules, so
 * a record written by an older or newer release reads as it does in single-object encoding. A schema
 * id naming another record type is refused rather than misread. Avro's length limits apply
 * ({@link AvroLimits}), and a body longer than one datum is refused.
 */
public final class RegistryDecoder<T extends SpecificRecord> {

  /** Magic byte and schema id before the Avro body. */
  public static final int WIRE_HEADER = 5;

  static {
    AvroLimits.install();
    AvroSerde.trustGeneratedClasses();
  }

  private final RegistryClient registry;
  private final Class<T> type;
  private final Schema readerSchema;
  private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  public RegistryDecoder(RegistryClient registry, Class<T> type, Schema readerSchema) {
    this.registry = registry;
    this.type = type;
    this.readerSchema = readerSchema;
  }

  /** The schema id of a wire-format value. */
  public static long wireId(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, 4).getInt() & 0xFFFFFFFFL;
  }

  /** Decodes a wire-format value; throws {@link IOException} saying what was wrong. */
  public T decode(byte[] bytes) throws IOException {
    if (bytes.length < WIRE_HEADER || bytes[0] != RegistryEncoder.MAGIC) {
      throw new IOException("not the Confluent wire format (byte 0, 4-byte schema id, Avro body)");
    }
    long id = wireId(bytes);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, WIRE_HEADER, bytes.length - WIRE_HEADER, null);
    T record = reader(id).read(null, decoder);
    if (!decoder.isEnd()) {
      throw new IOException("the value has more bytes than its schema (registry id " + id + ") reads: "
          + "it is not one Avro datum");
    }
    return record;
  }

  /** Whether a value of schema {@code id} was read before: reading another needs no registry. */
  public boolean knows(long id) {
    return readers.containsKey(id);
  }

  /**
   * The writer schema of a wire-format value, by its id (the client's cache answers for an id decoded
   * before): what it says beyond the reader schema — a field Avro's resolution drops — is visible only
   * here. Throws as {@link #decode} does when the registry lacks the id or does not answer.
   */
  public Schema writerSchema(byte[] bytes) throws IOException {
    if (bytes.length < WIRE_HEADER || bytes[0] != RegistryEncoder.MAGIC) {
      throw new IOException("not the Confluent wire format (byte 0, 4-byte schema id, Avro body)");
    }
    return registry.schemaById(wireId(bytes));
  }

  private SpecificDatumReader<T> reader(long id) throws IOException {
    SpecificDatumReader<T> known = readers.get(id);
    if (known != null) {
      return known;
    }
    Schema writer = registry.schemaById(id);
    if (!writer.getName().equals(readerSchema.getName())) {
      throw new IOException("registry schema id " + id + " is " + writer.getFullName() + ", not a "
          + readerSchema.getName());
    }
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForClass(type));
    readers.put(id, reader);
    return reader;
  }
}
