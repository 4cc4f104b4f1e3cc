package dev.notifier.sender.throttle;

import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.UsageKind;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of the usage topic, as every worker writes them: keyed by account, each one send of a notification
 * from a send partition, by a worker, counted at {@code at} ({@link QuotaLedger} reads them back).
 */
public final class UsageRecords {

  private UsageRecords() {
  }

  /**
   * @param kind RESERVED (the send may start: {@code at} is the latest moment the server could take it), ACCEPTED
   *     (the server took it, or may have: {@code at} is when) or RELEASED (it certainly did not)
   * @param reservedAt when the send was reserved; null for a send nothing reserved
   */
  public static ProducerRecord<String, Object> of(String topic, String account, String notificationId,
      int partition, String workerId, UsageKind kind, Instant at, Instant reservedAt) {
    QuotaUsage usage = QuotaUsage.newBuilder().setAccount(account).setNotificationId(notificationId)
        .setPartition(partition).setAcceptedAt(at).setWorkerId(workerId).setKind(kind).setReservedAt(reservedAt)
        .build();
    return new ProducerRecord<>(topic, account, usage);
  }
}
