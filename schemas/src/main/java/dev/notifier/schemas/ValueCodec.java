package dev.notifier.schemas;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record value's encoding, as a Kafka serde: null stays null both ways, and a value that cannot be
 * decoded is a {@link SerializationException} naming what was read, the topic and what was wrong.
 *
 * @param <T> the record class
 */
public interface ValueCodec<T> extends Serde<T> {

  byte[] encode(T value);

  /** Decodes {@code bytes}; throws {@link IOException} saying what was wrong. */
  T decode(byte[] bytes) throws IOException;

  /** What a value is, for the error of one that cannot be decoded: "Notification", "a value". */
  String valueName();

  @Override
  default Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : encode(value);
  }

  @Override
  default Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return decode(bytes);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException(
            "cannot decode " + valueName() + " from topic " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
