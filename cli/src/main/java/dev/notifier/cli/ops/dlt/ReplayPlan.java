package dev.notifier.cli.ops.dlt;

import dev.notifier.avro.DeliveryState;
import dev.notifier.cli.ops.StatusEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of the filtered dead letters a replay republishes, and why it skips the others.
 *
 * <p>The rule, which keeps a replay from sending anything twice:
 * <ol>
 *   <li>A notification is replayed at most once per run: of its dead letters only the latest (the
 *       highest offset; one notification's records share a partition) is considered, the older
 *       ones are {@code superseded}.</li>
 *   <li>It is replayed only when its latest status in the ledger is still DEAD (or the ledger has
 *       none). SENT is skipped as {@code already-sent}; QUEUED or RETRYING as {@code in-flight} —
 *       the notification is already on its way again, by an earlier replay or a retry; SKIPPED as
 *       {@code skipped}.</li>
 *   <li>A replay writes, in one transaction with the send record, a QUEUED status whose reason is
 *       {@code replayed}. So the same replay run again finds QUEUED (still on its way) or SENT
 *       (delivered) and sends nothing; only a notification that failed <em>again</em> since — a new
 *       DEAD status and dead letter — can be replayed again, by a person asking for it.</li>
 * </ol>
 */
public record ReplayPlan(List<DeadLetterEntry> toReplay, Map<String, List<DeadLetterEntry>> skipped) {

  public static final String ALREADY_SENT = "already-sent";
  public static final String IN_FLIGHT = "in-flight";
  public static final String SKIPPED = "skipped";
  public static final String SUPERSEDED = "superseded";
  /** Replayed {@code maxReplays} times already: a loop, not an accident; only {@code --force} replays it again. */
  public static final String QUARANTINED = "quarantined";

  /** Decides over {@code entries} (in offset order) with the ledger's latest status per notification id. */
  public static ReplayPlan of(List<DeadLetterEntry> entries, Map<String, StatusEntry> latestStatus) {
    return of(entries, latestStatus, Map.of(), Integer.MAX_VALUE);
  }

  /**
   * As {@link #of(List, Map)}, and a notification replayed {@code maxReplays} times before (by the
   * audit topic's {@code replayCounts}) is {@code quarantined}.
   */
  public static ReplayPlan of(List<DeadLetterEntry> entries, Map<String, StatusEntry> latestStatus,
      Map<String, Integer> replayCounts, int maxReplays) {
    Map<String, DeadLetterEntry> latestLetter = new LinkedHashMap<>();
    Map<String, List<DeadLetterEntry>> skipped = new TreeMap<>();
    for (DeadLetterEntry e : entries) {
      DeadLetterEntry older = latestLetter.put(e.notificationId(), e);
      if (older != null) {
        skipped.computeIfAbsent(SUPERSEDED, k -> new ArrayList<>()).add(older);
      }
    }
    List<DeadLetterEntry> toReplay = new ArrayList<>();
    for (DeadLetterEntry e : latestLetter.values()) {
      StatusEntry status = latestStatus.get(e.notificationId());
      String skip = status == null ? null : skipReason(status.status().getState());
      if (skip == null && replayCounts.getOrDefault(e.notificationId(), 0) >= maxReplays) {
        skip = QUARANTINED;
      }
      if (skip == null) {
        toReplay.add(e);
      } else {
        skipped.computeIfAbsent(skip, k -> new ArrayList<>()).add(e);
      }
    }
    return new ReplayPlan(List.copyOf(toReplay), skipped);
  }

  /** Its expiresAt passed: replaying it would only expire it again. */
  static final String EXPIRED = "expired";

  /** Its content went out in a digest (a notification of its own, replayed by its own id). */
  static final String DIGESTED = "digested";

  /**
   * No reply came after its end of data: it may be in the recipient's mailbox, and the worker sends
   * it again itself when the account says so; a replay would risk a second copy.
   */
  static final String OUTCOME_UNKNOWN = "outcome-unknown";

  private static String skipReason(DeliveryState state) {
    return switch (state) {
      case DEAD -> null;
      case SENT -> ALREADY_SENT;
      case QUEUED, RETRYING, DEFERRED -> IN_FLIGHT;
      case SKIPPED -> SKIPPED;
      case EXPIRED -> EXPIRED;
      case DIGESTED -> DIGESTED;
      case UNKNOWN -> OUTCOME_UNKNOWN;
    };
  }

  public int skippedCount() {
    return skipped.values().stream().mapToInt(List::size).sum();
  }

  /** {@code already-sent=2, in-flight=1}, or {@code none}. */
  public String skippedSummary() {
    if (skipped.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    skipped.forEach((reason, list) -> sb.append(sb.length() == 0 ? "" : ", ").append(reason).append('=')
        .append(list.size()));
    return sb.toString();
  }
}
