package dev.notifier.cli.ops.suppressions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.AuditRecords;
import dev.notifier.cli.ops.TopicReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of suppression changes on {@code notifier.audit}: one JSON object per change, keyed by
 * the address, written in the change's transaction — who (the Kafka principal and the OS user), what
 * (added or removed, with the reason, categories and expiry), why (the operator's reason) and what was
 * in force before — and read back for {@code notifier suppressions show}.
 */
final class SuppressionAudit {

  static final String ADDED = "suppression.add";
  static final String REMOVED = "suppression.remove";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SuppressionAudit() {
  }

  static String record(String action, String address, Suppression after, Suppression before, Changer who,
      Instant at) {
    ObjectNode node = JSON.createObjectNode();
    node.put("action", action);
    node.put("address", address);
    node.put("principal", who.principal());
    node.put("osUser", who.osUser());
    node.put("reason", who.reason());
    if (after != null) {
      node.set("suppression", describe(after));
    }
    if (before != null) {
      node.set("before", describe(before));
    }
    node.put("at", at.toString());
    return node.toString();
  }

  private static ObjectNode describe(Suppression s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("reason", s.getReason().name());
    n.putPOJO("categories", s.getCategories());
    n.put("source", s.getSource());
    n.put("detail", s.getDetail());
    n.put("firstSeen", s.getFirstSeen().toString());
    n.put("count", s.getCount());
    n.put("expiresAt", s.getExpiresAt() == null ? null : s.getExpiresAt().toString());
    return n;
  }

  /** The audit records of {@code address}'s changes, oldest first. */
  static List<JsonNode> history(TopicReader reader, String auditTopic, String address) {
    List<JsonNode> out = new ArrayList<>();
    AuditRecords.forEach(reader, auditTopic, address::equals, action -> action.startsWith("suppression."),
        (key, node) -> out.add(node));
    return out;
  }
}
