package dev.notifier.schemas;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import java.time.Instant;

/**
 * The ledger entry for a notification: who, which event, which account, and what became of it.
 * The topology (QUEUED), the workers (SENT, RETRYING, DEAD) and a replay (QUEUED again) all write
 * it this way, so every status of one notification carries the same facts.
 */
public final class DeliveryStatuses {

  private DeliveryStatuses() {
  }

  public static DeliveryStatus of(Notification n, DeliveryState state, String reason, String detail, int attempts,
      Instant at) {
    return DeliveryStatus.newBuilder()
        .setNotificationId(n.getNotificationId())
        .setEventId(n.getEventId())
        .setEventType(n.getEventType())
        .setUserId(n.getRecipient().getUserId())
        .setEmail(n.getRecipient().getEmail())
        .setState(state)
        .setReason(reason)
        .setDetail(detail)
        .setAccount(n.getAccount())
        .setAttempts(attempts)
        .setAt(at)
        .build();
  }
}
