package dev.notifier.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A Kafka serde for generated Avro records in Avro single-object encoding: the two marker bytes
 * {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary datum.
 * The fingerprint lets a reader reject a record written with an unknown schema instead of
 * misreading it, without a schema registry.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements ValueCodec<T> {

  static {
    AvroLimits.install();
    trustGeneratedClasses();
  }

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final Class<T> type;

  public AvroSerde(Class<T> type, Schema schema) {
    this(type, schema, null);
  }

  /**
   * A serde whose decoder asks {@code store} for writer schemas it does not know (by their
   * fingerprint), e.g. those of a newer release published to the schema topic; null for none.
   */
  public AvroSerde(Class<T> type, Schema schema, SchemaStore store) {
    this.type = type;
    this.encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(type), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.getForClass(type), schema, store);
  }

  /** A serde of the current schema that also reads every shipped version ({@link SchemaHistory}). */
  public static <T extends SpecificRecord> AvroSerde<T> withHistory(Class<T> type, Schema schema, SchemaStore store) {
    AvroSerde<T> serde = new AvroSerde<>(type, schema, store);
    SchemaHistory.of(schema.getName()).forEach(serde::alsoReading);
    return serde;
  }

  /**
   * Avro (since 1.11.4) loads only trusted classes when it reads specific records; trust ours,
   * the generated classes under {@code dev.notifier.avro}, in addition to whatever is trusted.
   */
  private static boolean trusted;

  /**
   * Lets Avro's specific readers and writers use the generated classes ({@code dev.notifier.avro});
   * every coder of them outside this serde (the registry's) calls it first. Once is enough.
   */
  public static synchronized void trustGeneratedClasses() {
    if (trusted) {
      return;
    }
    trusted = true;
    ClassSecurityValidator.ClassSecurityPredicate ours = c -> c.getName().startsWith("dev.notifier.avro.");
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours));
  }

  /** Adds an older writer schema that this serde can still read (schema evolution). */
  public AvroSerde<T> alsoReading(Schema olderSchema) {
    decoder.addSchema(olderSchema);
    return this;
  }

  @Override
  public byte[] encode(T value) {
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new SerializationException("cannot encode " + type.getSimpleName(), e);
    }
  }

  /** Decodes single-object encoded bytes; throws {@link IOException} saying what was wrong. */
  @Override
  public T decode(byte[] bytes) throws IOException {
    return decoder.decode(bytes);
  }

  @Override
  public String valueName() {
    return type.getSimpleName();
  }
}
