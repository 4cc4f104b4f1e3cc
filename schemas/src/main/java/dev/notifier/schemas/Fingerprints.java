package dev.notifier.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The fingerprints a reader accepts for its schemas, and the producers that compute them.
 *
 * <p>Avro single-object encoding starts with the CRC-64-AVRO fingerprint of the writer schema's
 * Parsing Canonical Form. Avro for Java (and the spec) drop a logical type with its wrapping object
 * ({@code {"type":"long","logicalType":"timestamp-millis"}} becomes {@code "long"}); Avro for Python
 * 1.11 (Debian's {@code python3-avro}) drops the logical type but keeps the object ({@code
 * {"type":"long"}}), so the same schema gets another fingerprint there. Both forms describe the same
 * bytes, so a reader that knows the schema can accept either: {@link #python111Form} computes the
 * second, and {@link #aliases} with {@link #toSpec} let a reader take it. Everything else about the two forms is identical
 * ({@code FingerprintsTest} compares with forms Python 1.11.1 printed).
 */
public final class Fingerprints {

  private Fingerprints() {
  }

  /** The spec's fingerprint of {@code schema}. */
  public static long of(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** The fingerprint Avro for Python 1.11 computes for {@code schema}. */
  public static long python111(Schema schema) {
    return SchemaNormalization.fingerprint64(python111Form(schema).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** 16 lower-case hex digits, as {@code notifier schemas} prints and error messages name them. */
  public static String hex(long fingerprint) {
    return String.format(Locale.ROOT, "%016x", fingerprint);
  }

  /** The canonical form as Avro for Python 1.11 writes it: the spec's, with logical-type primitives kept as objects. */
  public static String python111Form(Schema schema) {
    StringBuilder out = new StringBuilder();
    form(schema, new HashSet<>(), out);
    return out.toString();
  }

  /**
   * The other producers' fingerprints of {@code schemas}, each mapped to the spec's fingerprint of the
   * same schema. (Avro's decoder files a schema found through a {@code SchemaStore} under the spec's
   * fingerprint and then misses the other one, so a reader rewrites the fingerprint instead: see
   * {@link #toSpec}.)
   */
  public static Map<Long, Long> aliases(Collection<Schema> schemas) {
    Map<Long, Long> aliases = new LinkedHashMap<>();
    for (Schema schema : schemas) {
      long alias = python111(schema);
      if (alias != of(schema)) {
        aliases.put(alias, of(schema));
      }
    }
    return Map.copyOf(aliases);
  }

  /** The writer's fingerprint in Avro single-object encoded {@code bytes} (10 or more): bytes 2 to 9, little-endian. */
  public static long writerOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /**
   * {@code bytes} (Avro single-object encoding) with the writer's fingerprint replaced by the spec's
   * when it is one of {@code aliases}; the same array otherwise.
   */
  public static byte[] toSpec(byte[] bytes, Map<Long, Long> aliases) {
    if (bytes.length < 10) {
      return bytes;
    }
    Long spec = aliases.get(writerOf(bytes));
    if (spec == null) {
      return bytes;
    }
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(spec);
    return copy;
  }

  /** Every fingerprint accepted for {@code schemas}, spec's first, for messages that list them. */
  public static List<String> accepted(Collection<Schema> schemas) {
    List<String> all = new ArrayList<>();
    for (Schema schema : schemas) {
      all.add(hex(of(schema)));
      long alias = python111(schema);
      if (alias != of(schema)) {
        all.add(hex(alias) + " (Avro for Python 1.11)");
      }
    }
    return all.stream().distinct().collect(Collectors.toList());
  }

  private static void form(Schema s, Set<String> named, StringBuilder out) {
    switch (s.getType()) {
      case UNION -> {
        out.append('[');
        appendAll(s.getTypes(), named, out);
        out.append(']');
      }
      case ARRAY -> {
        out.append("{\"type\":\"array\",\"items\":");
        form(s.getElementType(), named, out);
        out.append('}');
      }
      case MAP -> {
        out.append("{\"type\":\"map\",\"values\":");
        form(s.getValueType(), named, out);
        out.append('}');
      }
      case RECORD, ENUM, FIXED -> named(s, named, out);
      default -> {
        String type = "\"" + s.getType().getName() + "\"";
        out.append(s.getLogicalType() != null || s.getProp("logicalType") != null ? "{\"type\":" + type + "}" : type);
      }
    }
  }

  private static void named(Schema s, Set<String> named, StringBuilder out) {
    String name = "\"" + s.getFullName() + "\"";
    if (!named.add(s.getFullName())) {
      out.append(name);
      return;
    }
    out.append("{\"name\":").append(name).append(",\"type\":\"").append(s.getType().getName()).append('"');
    switch (s.getType()) {
      case ENUM -> out.append(",\"symbols\":[")
          .append(s.getEnumSymbols().stream().map(x -> "\"" + x + "\"").collect(Collectors.joining(","))).append(']');
      case FIXED -> out.append(",\"size\":").append(s.getFixedSize());
      default -> {
        out.append(",\"fields\":[");
        boolean first = true;
        for (Schema.Field f : s.getFields()) {
          out.append(first ? "" : ",").append("{\"name\":\"").append(f.name()).append("\",\"type\":");
          form(f.schema(), named, out);
          out.append('}');
          first = false;
        }
        out.append(']');
      }
    }
    out.append('}');
  }

  private static void appendAll(List<Schema> schemas, Set<String> named, StringBuilder out) {
    for (int i = 0; i < schemas.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      form(schemas.get(i), named, out);
    }
  }
}
