package dev.notifier.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Reads {@code notifier.audit} back: the records the operator tools wrote there (a replay, a suppression change, a
 * republication), each a JSON object with its {@code action}, keyed by what it is about.
 */
public final class AuditRecords {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditRecords() {
  }

  /**
   * Passes each record of {@code auditTopic}, to its end, whose key {@code keys} takes and whose value is a JSON
   * object with an {@code action} {@code actions} takes, to {@code each} with its key; anything else is skipped.
   */
  public static void forEach(TopicReader reader, String auditTopic, Predicate<String> keys, Predicate<String> actions,
      BiConsumer<String, JsonNode> each) {
    reader.read(auditTopic, r -> {
      if (r.value() == null || !keys.test(r.key())) {
        return;
      }
      JsonNode node;
      try {
        node = JSON.readTree(r.value());
      } catch (IOException notJson) {
        return; // not a record of the operator tools
      }
      if (node != null && actions.test(node.path("action").asText())) {
        each.accept(r.key(), node);
      }
    });
  }
}
