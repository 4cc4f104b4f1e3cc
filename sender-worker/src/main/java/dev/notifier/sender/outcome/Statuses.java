package dev.notifier.sender.outcome;

import static dev.notifier.sender.outcome.OutcomeLog.LOG;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.avro.UsageKind;
import java.time.Instant;
import java.util.function.Predicate;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.throttle.UsageRecords;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The delivery ledger ({@code notifier.status}) as a worker writes it: the status record of every
 * outcome, stamped with the worker's clock, and the SENT outcome, which is a status alone. The retry
 * and dead-letter writers add their status records to their own writes.
 */
public final class Statuses {

  /**
   * The header naming the worker that wrote a status record (the ledger's schema has no field for it):
   * the console shows it on each line of a notification's story.
   */
  public static final String WORKER_HEADER = "notifier.worker";

  // resolved once: each Topics accessor builds a new topic with a new serde, whose Avro encoder and
  // decoder compute schema fingerprints; per message that was a tenth of a send
  private final String statusTopic;
  private final String usageTopic;
  private final String workerId;
  private final Predicate<String> hasQuota;
  private final AcknowledgedWrites writes;
  private final Clock clock;
  private final WorkerMetrics metrics;

  public Statuses(Topics topics, AcknowledgedWrites writes, Clock clock, WorkerMetrics metrics) {
    this(topics, writes, clock, metrics, "worker", account -> false);
  }

  /**
   * @param workerId names this worker in usage records
   * @param hasQuota whether an account has a per-minute or per-day quota (its sends are then counted)
   */
  public Statuses(Topics topics, AcknowledgedWrites writes, Clock clock, WorkerMetrics metrics, String workerId,
      Predicate<String> hasQuota) {
    this.statusTopic = topics.status().name();
    this.usageTopic = topics.usage().name();
    this.workerId = workerId;
    this.hasQuota = hasQuota;
    this.writes = writes;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * The server accepted {@code n} at attempt number {@code attempts}, at {@code acceptedAt}: a SENT
   * status and, for an account with a per-minute or per-day quota, its usage record on the usage
   * topic, under the send partition it belongs to, so that every worker counts it.
   */
  public void sent(Notification n, int attempts, int sendPartition, Instant acceptedAt, Runnable done) {
    sent(n, n.getAccount(), attempts, sendPartition, acceptedAt, null, done);
  }

  /**
   * As {@link #sent(Notification, int, int, Instant, Runnable)}, sent by account {@code account} —
   * a backup when it is not the one the notification was routed to: the status names the account
   * that sent it, and the usage counts against that account's quotas. The usage record settles the send's
   * reservation made at {@code reservedAt} (null: none was made).
   */
  public void sent(Notification n, String account, int attempts, int sendPartition, Instant acceptedAt,
      Instant reservedAt, Runnable done) {
    LOG.info("SENT {} account={} attempts={}", n.getNotificationId(), account, attempts);
    if (LOG.isDebugEnabled()) {
      LOG.debug("SENT {} to {}", n.getNotificationId(), n.getRecipient().getEmail());
    }
    metrics.account(account).sent();
    boolean backup = !account.equals(n.getAccount());
    DeliveryStatus sent = DeliveryStatuses.of(n, DeliveryState.SENT, backup ? "failover" : null,
        backup ? "sent by backup account " + account + " (routed to " + n.getAccount() + ")" : null, attempts,
        clock.instant());
    sent.setAccount(account);
    ProducerRecord<String, Object> status = byThisWorker(new ProducerRecord<>(statusTopic, n.getNotificationId(),
        sent));
    if (!hasQuota.test(account)) {
      writes.write(List.of(status), done);
      return;
    }
    writes.write(List.of(status, UsageRecords.of(usageTopic, account, n.getNotificationId(), sendPartition, workerId,
        UsageKind.ACCEPTED, acceptedAt, reservedAt)), done);
  }

  /**
   * No reply came after the end of data on account {@code account}: the ledger says UNKNOWN, which
   * the server alone could settle. {@code detail} says whether and when it is sent again.
   */
  public ProducerRecord<String, Object> unknown(Notification n, String account, String detail, int attempts) {
    LOG.warn("UNKNOWN {} account={} attempts={}: {}", n.getNotificationId(), account, attempts, detail);
    metrics.account(account).unknown();
    DeliveryStatus status = DeliveryStatuses.of(n, DeliveryState.UNKNOWN, "outcome-unknown", detail, attempts,
        clock.instant());
    status.setAccount(account);
    return byThisWorker(new ProducerRecord<>(statusTopic, n.getNotificationId(), status));
  }

  /** Past its {@code expiresAt}: not sent, and not a dead letter either — nothing is left to fix. */
  public void expired(Notification n, int attempts, Runnable done) {
    LOG.info("EXPIRED {} account={} expiresAt={}", n.getNotificationId(), n.getAccount(), n.getExpiresAt());
    metrics.account(n.getAccount()).expired();
    writes.write(List.of(record(n, DeliveryState.EXPIRED, "expired", "not sent: it expired at " + n.getExpiresAt()
        + ", before a worker could send it", attempts)), done);
  }

  /** The DEAD status of a record that could not be read, under its key. */
  public ProducerRecord<String, Object> unreadable(String id, String reason, String detail) {
    DeliveryStatus status = DeliveryStatus.newBuilder().setNotificationId(id).setEventId("")
        .setState(DeliveryState.DEAD).setReason(reason).setDetail(detail).setAttempts(0).setAt(clock.instant())
        .build();
    return byThisWorker(new ProducerRecord<>(statusTopic, id, status));
  }

  /** The status record of {@code n} in {@code state}, stamped now. */
  public ProducerRecord<String, Object> record(Notification n, DeliveryState state, String reason, String detail,
      int attempts) {
    DeliveryStatus status = DeliveryStatuses.of(n, state, reason, detail, attempts, clock.instant());
    return byThisWorker(new ProducerRecord<>(statusTopic, n.getNotificationId(), status));
  }

  private ProducerRecord<String, Object> byThisWorker(ProducerRecord<String, Object> record) {
    if (workerId != null) {
      record.headers().add(WORKER_HEADER, workerId.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }
}
