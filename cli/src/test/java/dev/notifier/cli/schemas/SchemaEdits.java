package dev.notifier.cli.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Another producer's version of a record schema: a string field added with a default, one removed, one retyped. */
final class SchemaEdits {

  private SchemaEdits() {
  }

  /** {@code schema} with a string field {@code name} added last, with {@code defaultValue}. */
  static Schema withStringField(Schema schema, String name, String defaultValue) {
    List<Schema.Field> fields = copies(schema, null);
    fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), null, defaultValue));
    return record(schema, fields);
  }

  /** {@code schema} without the field {@code name}. */
  static Schema without(Schema schema, String name) {
    return record(schema, copies(schema, name));
  }

  /** {@code schema} with the field {@code name} of another type. */
  static Schema retyped(Schema schema, String name, Schema type) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().forEach(f -> fields.add(f.name().equals(name) ? new Schema.Field(f.name(), type, f.doc())
        : new Schema.Field(f, f.schema())));
    return record(schema, fields);
  }

  private static List<Schema.Field> copies(Schema schema, String except) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().stream().filter(f -> !f.name().equals(except))
        .forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    return fields;
  }

  private static Schema record(Schema schema, List<Schema.Field> fields) {
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
