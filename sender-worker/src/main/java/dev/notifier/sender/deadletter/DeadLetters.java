package dev.notifier.sender.deadletter;

import dev.notifier.avro.DeadLetter;
import dev.notifier.sender.retry.RetryHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the whole notification plus the failure facts in the value, and the
 * record's origin (topic, partition, offset, see {@link RetryHeaders#carryOrigin}) in headers, so an
 * analyst can trace and replay it.
 */
public final class DeadLetters {

  public static final String EXCEPTION_CLASS = "notifier.exception.class";

  private DeadLetters() {
  }

  /**
   * Headers telling where a failed notification came from: the send topic's partition and offset,
   * carried through the retry topics, or the record's own when it never left; and the exception
   * class of the failure, when there was one.
   */
  public static Headers origin(ConsumerRecord<?, ?> origin, DeadLetter letter) {
    Headers headers = new RecordHeaders();
    RetryHeaders.carryOrigin(origin, headers);
    if (letter.getExceptionClass() != null) {
      headers.add(EXCEPTION_CLASS, letter.getExceptionClass().getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }
}
