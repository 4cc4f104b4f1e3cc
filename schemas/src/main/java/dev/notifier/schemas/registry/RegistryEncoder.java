package dev.notifier.schemas.registry;

import dev.notifier.schemas.AvroLimits;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.PortableSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes records of one subject in the Confluent wire format: magic byte 0, the schema's id (4 bytes,
 * big-endian), the Avro binary body. The id is the registry's for the notifier's schema (its
 * {@link PortableSchema portable} text) under the subject: looked up, or — only with
 * {@code autoRegister} — registered. Auto-registration is off by default because a subject's schemas
 * are a promise to its readers that its owners make, not a side effect of a first write. The id is
 * asked for once and kept: an id never changes meaning.
 */
public final class RegistryEncoder<T extends SpecificRecord> {

  /** The Confluent wire format's first byte. */
  public static final byte MAGIC = 0;

  static {
    AvroLimits.install();
    AvroSerde.trustGeneratedClasses();
  }

  private final RegistryClient registry;
  private final String subject;
  private final Schema schema;
  private final boolean autoRegister;
  private final SpecificDatumWriter<T> writer;
  private volatile Integer id;

  public RegistryEncoder(RegistryClient registry, String subject, Schema schema, boolean autoRegister) {
    this.registry = registry;
    this.subject = subject;
    this.schema = schema;
    this.autoRegister = autoRegister;
    // the generated class's own model: it carries the logical types' conversions (timestamps as Instant)
    this.writer = new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
  }

  public String subject() {
    return subject;
  }

  /** The schema id the records carry, asked of the registry on the first call. */
  public int schemaId() {
    Integer known = id;
    if (known != null) {
      return known;
    }
    String text = PortableSchema.json(schema);
    OptionalInt found = registry.lookup(subject, text);
    if (found.isPresent()) {
      id = found.getAsInt();
    } else if (autoRegister) {
      id = registry.register(subject, text);
    } else {
      throw new SchemaNotRegisteredException(subject, "the schema registry has no schema under subject " + subject
          + " equal to the notifier's " + schema.getName() + ", and auto-registration is off");
    }
    return id;
  }

  public byte[] encode(T record) {
    int schemaId = schemaId();
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
      writer.write(record, encoder);
      encoder.flush();
      byte[] bytes = body.toByteArray();
      return ByteBuffer.allocate(5 + bytes.length).put(MAGIC).putInt(schemaId).put(bytes).array();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + schema.getName() + " for subject " + subject, e);
    }
  }
}
