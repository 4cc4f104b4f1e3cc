package dev.notifier.sender.deadletter;

import dev.notifier.avro.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the whole notification plus the failure facts in the value, and the
 * record's origin (topic, partition, offset) in headers, so an analyst can trace and replay it.
 */
public final class DeadLetters {

  public static final String ORIGINAL_TOPIC = "notifier.original.topic";
  public static final String ORIGINAL_PARTITION = "notifier.original.partition";
  public static final String ORIGINAL_OFFSET = "notifier.original.offset";
  public static final String EXCEPTION_CLASS = "notifier.exception.class";

  private DeadLetters() {
  }

  /**
   * Headers telling where a failed notification came from: the send topic's partition and offset,
   * carried through the retry topics ({@link #carryOrigin}), or the record's own when it never left.
   */
  public static Headers origin(ConsumerRecord<?, ?> origin, DeadLetter letter) {
    Headers headers = new RecordHeaders();
    carryOrigin(origin, headers);
    if (letter.getExceptionClass() != null) {
      headers.add(EXCEPTION_CLASS, utf8(letter.getExceptionClass()));
    }
    return headers;
  }

  /** Copies the record's origin headers (or, on its first hop, its own position) to {@code target}. */
  public static void carryOrigin(ConsumerRecord<?, ?> record, Headers target) {
    if (record.headers().lastHeader(ORIGINAL_TOPIC) != null) {
      for (String key : new String[] {ORIGINAL_TOPIC, ORIGINAL_PARTITION, ORIGINAL_OFFSET}) {
        target.add(key, record.headers().lastHeader(key).value());
      }
      return;
    }
    target.add(ORIGINAL_TOPIC, utf8(record.topic()));
    target.add(ORIGINAL_PARTITION, utf8(String.valueOf(record.partition())));
    target.add(ORIGINAL_OFFSET, utf8(String.valueOf(record.offset())));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
