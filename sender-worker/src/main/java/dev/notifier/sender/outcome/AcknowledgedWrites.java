package dev.notifier.sender.outcome;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes what became of a delivery and reports it done only once every record written is
 * acknowledged, so its offset is committed only then. A write that fails is fatal for the worker:
 * the offset stays uncommitted and the notification is delivered again elsewhere.
 */
public final class AcknowledgedWrites {

  private final Producer<String, Object> producer;
  private final Consumer<Exception> fatal;

  public AcknowledgedWrites(Producer<String, Object> producer, Consumer<Exception> fatal) {
    this.producer = producer;
    this.fatal = fatal;
  }

  /** Sends the records; {@code done} runs once all are acknowledged, and never if one fails. */
  public void write(List<ProducerRecord<String, Object>> records, Runnable done) {
    AtomicInteger pending = new AtomicInteger(records.size());
    for (ProducerRecord<String, Object> record : records) {
      try {
        producer.send(record, (metadata, error) -> {
          if (error != null) {
            fatal.accept(error);
          } else if (pending.decrementAndGet() == 0) {
            done.run();
          }
        });
      } catch (RuntimeException e) {
        // thrown before the record was queued (buffer full past max.block.ms, serialisation): the outcome
        // is not written, so its offset must never be committed — fatal, as a failed acknowledgement is
        fatal.accept(e);
        return;
      }
    }
  }
}
