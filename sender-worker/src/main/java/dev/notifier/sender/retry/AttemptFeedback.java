package dev.notifier.sender.retry;

import dev.notifier.avro.Notification;
import dev.notifier.sender.smtp.SmtpReply;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What a failed attempt tells about the recipient's address, as records to write with its outcome
 * (the {@code feedback} package's bounce records); none when it tells nothing.
 */
@FunctionalInterface
public interface AttemptFeedback {

  /** Writes nothing: for tests and tools that record no feedback. */
  AttemptFeedback NONE = (n, c, reply, at) -> List.of();

  List<ProducerRecord<String, Object>> records(Notification n, Classification c, SmtpReply reply, Instant at);
}
