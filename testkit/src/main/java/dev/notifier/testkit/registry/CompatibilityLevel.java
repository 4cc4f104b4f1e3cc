package dev.notifier.testkit.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * A subject's compatibility level as Confluent's Schema Registry documents it: BACKWARD (the default:
 * a consumer with the new schema reads data written with the old), FORWARD (a consumer with the old
 * schema reads data written with the new), FULL (both), each against the latest version or, the
 * {@code _TRANSITIVE} ones, against every version; NONE checks nothing. The checks are Avro's own
 * ({@link SchemaCompatibility}); an incompatibility is described the way the registry's verbose
 * answer does: its type, where, and what.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private static final Pattern FIELD = Pattern.compile("/fields/(\\d+)");

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * What stands in the way of {@code candidate} becoming the next version after {@code registered}
   * (oldest first); empty when it may.
   */
  public List<String> problems(Schema candidate, List<Schema> registered) {
    List<String> problems = new ArrayList<>();
    List<Schema> against = transitive || registered.isEmpty() ? registered
        : List.of(registered.get(registered.size() - 1));
    for (Schema old : against) {
      if (backward) {
        problems.addAll(describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), candidate,
            "new", "old"));
      }
      if (forward) {
        problems.addAll(describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), old,
            "old", "new"));
      }
    }
    return problems;
  }

  private static List<String> describe(SchemaCompatibility.SchemaPairCompatibility pair, Schema readerSchema,
      String reader, String writer) {
    List<String> out = new ArrayList<>();
    for (Incompatibility i : pair.getResult().getIncompatibilities()) {
      out.add("{errorType:'" + i.getType() + "', description:'" + i.getMessage() + " (reader: the " + reader
          + " schema, writer: the " + writer + " schema)', location:'" + i.getLocation() + "'"
          + field(readerSchema, i.getLocation()) + "}");
    }
    return out;
  }

  /** The top-level field a location such as {@code /fields/9/type} points at, as {@code , field:'name'}. */
  private static String field(Schema reader, String location) {
    Matcher m = FIELD.matcher(location);
    if (reader.getType() != Schema.Type.RECORD || !m.lookingAt()) {
      return "";
    }
    int index = Integer.parseInt(m.group(1));
    return index < reader.getFields().size() ? ", field:'" + reader.getFields().get(index).name() + "'" : "";
  }
}
