package dev.notifier.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.Group;
import dev.notifier.avro.User;
import dev.notifier.schemas.json.JsonRecords;
import java.io.IOException;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializers for the directory topics, which upstream systems fill either with Avro
 * single-object records or with JSON objects; the first byte tells which. A user record written
 * with an earlier shipped schema ({@link SchemaHistory}, e.g. one without preferences) is still read.
 */
final class DirectoryDeserializers {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DirectoryDeserializers() {
  }

  static Deserializer<User> users() {
    return of(AvroSerde.withHistory(User.class, User.getClassSchema(), null), JsonRecords::user);
  }

  static Deserializer<Group> groups() {
    return of(new AvroSerde<>(Group.class, Group.getClassSchema()), JsonRecords::group);
  }

  private static <T extends SpecificRecord> Deserializer<T> of(AvroSerde<T> avro, Function<JsonNode, T> json) {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return Encoding.of(bytes) == Encoding.JSON ? json.apply(JSON.readTree(bytes)) : avro.decode(bytes);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot read a directory record from " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
