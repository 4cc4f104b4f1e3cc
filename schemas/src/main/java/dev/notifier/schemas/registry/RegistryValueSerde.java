package dev.notifier.schemas.registry;

import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.ValueCodec;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;

/**
 * The value serde of a topic that may hold both of the notifier's Avro formats: it reads a value
 * starting with byte 0 as the Confluent wire format ({@link RegistryDecoder}) and any other as Avro
 * single-object encoding (the topic's plain {@link AvroSerde}, with its schema history and limits);
 * it writes the wire format when given an encoder, single-object encoding otherwise. A topic switched
 * from one format to the other keeps both kinds of records until they age out or are compacted away,
 * which is why reading never depends on the writing format.
 */
public final class RegistryValueSerde<T extends SpecificRecord> implements ValueCodec<T> {

  private final AvroSerde<T> singleObject;
  private final RegistryDecoder<T> decoder;
  private final RegistryEncoder<T> encoder;

  /** Reads both formats with {@code decoder}; writes with {@code encoder}, or single-object when it is null. */
  public RegistryValueSerde(AvroSerde<T> singleObject, RegistryDecoder<T> decoder, RegistryEncoder<T> encoder) {
    this.singleObject = singleObject;
    this.decoder = decoder;
    this.encoder = encoder;
  }

  /**
   * The decoder of the wire format alone, for a reader that decodes single-object encoding its own way
   * (the sender worker, with the schema topic's fingerprints) and needs a record's registry writer schema.
   */
  public RegistryDecoder<T> wireDecoder() {
    return decoder;
  }

  @Override
  public byte[] encode(T value) {
    return encoder == null ? singleObject.encode(value) : encoder.encode(value);
  }

  /** Decodes either format; throws {@link IOException} saying what was wrong. */
  @Override
  public T decode(byte[] bytes) throws IOException {
    return Encoding.of(bytes) == Encoding.CONFLUENT ? decoder.decode(bytes) : singleObject.decode(bytes);
  }

  @Override
  public String valueName() {
    return "a value";
  }
}
