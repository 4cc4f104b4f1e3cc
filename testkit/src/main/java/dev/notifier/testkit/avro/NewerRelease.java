package dev.notifier.testkit.avro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;

/**
 * Records as a newer release would write them: the current schema of a record with one more symbol in
 * one of its enums and one more field ({@code addedLater}), so neither its fingerprint nor the symbol
 * is known to this release. That release publishes {@link #schema} to the schema topic; {@link #store}
 * stands for that topic where there is no broker.
 */
public final class NewerRelease {

  private final Schema schema;

  /** The schema of {@code current} with {@code symbol} added to the enum of field {@code enumField}. */
  public NewerRelease(Schema current, String enumField, String symbol) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      Schema type = f.schema();
      if (f.name().equals(enumField)) {
        List<String> symbols = new ArrayList<>(type.getEnumSymbols());
        symbols.add(symbol);
        type = Schema.createEnum(type.getName(), type.getDoc(), type.getNamespace(), symbols, type.getEnumDefault());
      }
      fields.add(new Schema.Field(f.name(), type, f.doc(), f.defaultVal()));
    }
    fields.add(new Schema.Field("addedLater", Schema.createUnion(Schema.create(Schema.Type.NULL),
        Schema.create(Schema.Type.STRING)), "a field this release does not have", JsonProperties.NULL_VALUE));
    this.schema = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
  }

  /** The newer release's schema. */
  public Schema schema() {
    return schema;
  }

  /** The schema topic of a cluster where the newer release has published its schema. */
  public SchemaStore store() {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    cache.addSchema(schema);
    return cache;
  }

  /**
   * Single-object encoded bytes of a record of the newer schema: {@code values} by field name (enum
   * fields by symbol, timestamps in epoch milliseconds), every other field its default.
   */
  public byte[] encode(Map<String, Object> values) {
    GenericRecord r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Object v = values.containsKey(f.name()) ? values.get(f.name()) : GenericData.get().getDefaultValue(f);
      if (v instanceof String s && f.schema().getType() == Schema.Type.ENUM) {
        v = new GenericData.EnumSymbol(f.schema(), s);
      }
      r.put(f.name(), v);
    }
    try {
      ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
