package dev.notifier.cli.ops.dlt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notifier.cli.ops.AuditRecords;
import dev.notifier.cli.ops.TopicReader;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The replay's records on {@code notifier.audit}: one JSON object per replayed notification, keyed
 * by its id, written in the replay's transaction (so the audit says exactly what was replayed), and
 * read back to count how often a notification was replayed before — the loop guard's count, which no
 * header lost along a retry path can reset.
 */
final class ReplayAudit {

  static final String ACTION = "dlt.replay";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplayAudit() {
  }

  /** The audit record of one replayed notification. */
  static String record(DeadLetterEntry entry, Replayer.Provenance provenance, int replayCount, boolean forced,
      Instant at) {
    ObjectNode node = JSON.createObjectNode();
    node.put("action", ACTION);
    node.put("notificationId", entry.notificationId());
    node.put("principal", provenance.principal());
    node.put("osUser", provenance.osUser());
    node.put("reason", provenance.reason());
    node.put("replayCount", replayCount);
    node.put("forced", forced);
    node.put("fromTopic", entry.topic());
    node.put("fromPartition", entry.partition());
    node.put("fromOffset", entry.offset());
    node.put("at", at.toString());
    return node.toString();
  }

  /** How many times each of {@code ids} was replayed before, by the audit topic. */
  static Map<String, Integer> replayCounts(TopicReader reader, String auditTopic, Set<String> ids) {
    Map<String, Integer> counts = new HashMap<>();
    if (ids.isEmpty()) {
      return counts;
    }
    AuditRecords.forEach(reader, auditTopic, key -> key != null && ids.contains(key), ACTION::equals,
        (key, node) -> counts.merge(key, 1, Integer::sum));
    return counts;
  }
}
