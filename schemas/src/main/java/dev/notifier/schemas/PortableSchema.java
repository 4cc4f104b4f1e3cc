package dev.notifier.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A schema as JSON without the properties only Avro for Java reads ({@code avro.java.string}, which
 * generated classes carry): what a producer in another language parses and fingerprints as the
 * notifier expects, and the text the notifier registers in a schema registry (so that it is the same
 * schema a Python producer registered from {@code notifier schemas --avsc}).
 */
public final class PortableSchema {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PortableSchema() {
  }

  /** The schema's portable JSON, pretty-printed. */
  public static String json(Schema schema) {
    try {
      JsonNode tree = JSON.readTree(schema.toString());
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(strip(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print schema " + schema.getFullName(), e);
    }
  }

  private static JsonNode strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("avro.java.string");
      if (object.size() == 1 && object.has("type") && object.get("type").isTextual()) {
        return object.get("type");
      }
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        object.set(name, strip(object.get(name)));
      }
      return object;
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, strip(array.get(i)));
      }
    }
    return node;
  }
}
