package dev.notifier.sender.outcome;

import static dev.notifier.sender.outcome.OutcomeLog.LOG;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.metrics.WorkerMetrics;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The delivery ledger ({@code notifier.status}) as a worker writes it: the status record of every
 * outcome, stamped with the worker's clock, and the SENT outcome, which is a status alone. The retry
 * and dead-letter writers add their status records to their own writes.
 */
public final class Statuses {

  // resolved once: each Topics accessor builds a new topic with a new serde, whose Avro encoder and
  // decoder compute schema fingerprints; per message that was a tenth of a send
  private final String statusTopic;
  private final AcknowledgedWrites writes;
  private final Clock clock;
  private final WorkerMetrics metrics;

  public Statuses(Topics topics, AcknowledgedWrites writes, Clock clock, WorkerMetrics metrics) {
    this.statusTopic = topics.status().name();
    this.writes = writes;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The server accepted {@code n} at attempt number {@code attempts}: a SENT status. */
  public void sent(Notification n, int attempts, Runnable done) {
    LOG.info("SENT {} account={} attempts={}", n.getNotificationId(), n.getAccount(), attempts);
    if (LOG.isDebugEnabled()) {
      LOG.debug("SENT {} to {}", n.getNotificationId(), n.getRecipient().getEmail());
    }
    metrics.account(n.getAccount()).sent();
    writes.write(List.of(record(n, DeliveryState.SENT, null, null, attempts)), done);
  }

  /** The status record of {@code n} in {@code state}, stamped now. */
  public ProducerRecord<String, Object> record(Notification n, DeliveryState state, String reason, String detail,
      int attempts) {
    DeliveryStatus status = DeliveryStatuses.of(n, state, reason, detail, attempts, clock.instant());
    return new ProducerRecord<>(statusTopic, n.getNotificationId(), status);
  }
}
