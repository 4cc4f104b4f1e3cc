package dev.notifier.cli.demo;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The latest status of each notification, as read from the status topic. */
final class Ledger {

  private final Map<String, DeliveryStatus> latest = new HashMap<>();

  void add(DeliveryStatus status) {
    DeliveryStatus previous = latest.get(status.getNotificationId());
    if (previous == null || !isTerminal(previous.getState()) || isTerminal(status.getState())) {
      latest.put(status.getNotificationId(), status);
    }
  }

  /** A DIGESTED notification is settled: what remains to happen, happens to its digest (a notification of its own). */
  static boolean isTerminal(DeliveryState state) {
    return state == DeliveryState.SENT || state == DeliveryState.DEAD || state == DeliveryState.SKIPPED
        || state == DeliveryState.EXPIRED || state == DeliveryState.DIGESTED;
  }

  /**
   * True when nothing is still queued or retrying: every notification has its outcome, or is held in
   * its recipient's quiet hours (DEFERRED, with the time it will go out — the demo does not wait hours).
   */
  boolean settled() {
    return !latest.isEmpty() && latest.values().stream()
        .allMatch(s -> isTerminal(s.getState()) || s.getState() == DeliveryState.DEFERRED);
  }

  /** The notifications whose latest status is {@code state}. */
  List<DeliveryStatus> latest(DeliveryState state) {
    return latest.values().stream().filter(s -> s.getState() == state).toList();
  }

  /** The latest state of one notification; null when the ledger has none. */
  DeliveryState state(String notificationId) {
    DeliveryStatus status = latest.get(notificationId);
    return status == null ? null : status.getState();
  }

  long count(DeliveryState state) {
    return latest.values().stream().filter(s -> s.getState() == state).count();
  }

  Map<String, Long> skippedByReason() {
    Map<String, Long> reasons = new TreeMap<>();
    latest.values().stream().filter(s -> s.getState() == DeliveryState.SKIPPED)
        .forEach(s -> reasons.merge(s.getReason(), 1L, Long::sum));
    return reasons;
  }

  Iterable<DeliveryStatus> all() {
    return latest.values();
  }
}
