package dev.notifier.cli.ops;

import dev.notifier.avro.DeliveryStatus;

/** One record of {@code notifier.status}: the status and where it sits ({@code partition@offset}). */
public record StatusEntry(int partition, long offset, DeliveryStatus status) {

  public String notificationId() {
    return status.getNotificationId();
  }

  /** Who it is for: the address, else {@code user:ID} for a user who got no mail. */
  public String recipient() {
    if (status.getEmail() != null && !status.getEmail().isBlank()) {
      return status.getEmail();
    }
    return status.getUserId() == null ? "" : "user:" + status.getUserId();
  }

  public String position() {
    return partition + "@" + offset;
  }
}
