package dev.notifier.cli.ops;

import dev.notifier.avro.DeliveryStatus;

/**
 * One record of {@code notifier.status}: the status, where it sits ({@code partition@offset}) and the
 * worker that wrote it (its {@code notifier.worker} header; null for a status of the streams app or a
 * replay).
 */
public record StatusEntry(int partition, long offset, DeliveryStatus status, String worker) {

  public StatusEntry(int partition, long offset, DeliveryStatus status) {
    this(partition, offset, status, null);
  }

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
