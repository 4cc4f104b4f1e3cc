package dev.notifier.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The writer schemas of a record type that the project has shipped before the one compiled in:
 * {@code avro-history/<Name>-v1.avsc}, {@code -v2}, … on the class path, each self-contained. A
 * reader built from the current generated class adds them all, so a record written by any earlier
 * release (a compacted ledger entry from last year, a notification from a streams app not yet
 * upgraded) is still read, by Avro schema resolution. Schemas newer than the compiled class come
 * from the schema topic instead ({@link KafkaSchemaStore}).
 *
 * <p>Rule for changing an {@code .avsc}: copy the schema as shipped to the next
 * {@code <Name>-vN.avsc} here first, then change it only in ways Avro resolves (add a field with a
 * default, widen a field to a union with null) — {@code SchemaHistoryTest} checks both.
 */
public final class SchemaHistory {

  private static final String FOLDER = "/avro-history/";

  private SchemaHistory() {
  }

  /** The shipped schemas of {@code recordName} (e.g. {@code Notification}), oldest first; empty if none. */
  public static List<Schema> of(String recordName) {
    List<Schema> schemas = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = FOLDER + recordName + "-v" + version + ".avsc";
      try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
        if (in == null) {
          return schemas;
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the shipped schema " + resource, e);
      }
    }
  }
}
