package dev.notifier.streams;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.streams.expand.Candidates;
import dev.notifier.streams.expand.SkipReason;
import java.time.Instant;

/** Builds the ledger entries the topology writes: SKIPPED with a reason, and QUEUED. */
final class Statuses {

  private Statuses() {
  }

  /** The id a candidate's status is keyed by: by address when it has one, else by user. */
  static String notificationId(Candidate c) {
    return Candidates.notificationId(c);
  }

  /** The ledger key of an event that no rule matches. */
  static String noRuleId(DomainEvent event) {
    return NotificationIds.forUser(event.getEventId(), "*", SkipReason.NO_RULE.code());
  }

  static DeliveryStatus noRule(DomainEvent event, Instant at) {
    return DeliveryStatus.newBuilder()
        .setNotificationId(noRuleId(event))
        .setEventId(event.getEventId())
        .setEventType(event.getType())
        .setState(DeliveryState.SKIPPED)
        .setReason(SkipReason.NO_RULE.code())
        .setDetail("no notification rule matches event type '" + event.getType() + "'")
        .setAt(at)
        .build();
  }

  static DeliveryStatus skipped(Candidate c, Instant at) {
    return DeliveryStatus.newBuilder()
        .setNotificationId(notificationId(c))
        .setEventId(c.getEvent().getEventId())
        .setEventType(c.getEvent().getType())
        .setUserId(c.getUserId())
        .setEmail(c.getEmail())
        .setState(DeliveryState.SKIPPED)
        .setReason(c.getSkipReason())
        .setDetail(c.getSkipDetail())
        .setAt(at)
        .build();
  }

  static DeliveryStatus queued(Notification n) {
    return DeliveryStatuses.of(n, DeliveryState.QUEUED, null, null, 0, n.getCreatedAt());
  }
}
