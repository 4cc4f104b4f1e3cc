package dev.notifier.cli.ops.dlt;

import dev.notifier.avro.DeadLetter;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads {@code notifier.send.dlt} to its current end and keeps the dead letters a filter accepts,
 * in partition and offset order. Values are read with the catalogue's serde: with a schema registry
 * configured ({@code streams.schemaRegistry}) that reads the registry's wire format beside Avro
 * single-object encoding. A record that does not decode as a {@link DeadLetter} is counted, not
 * fatal: the tool still answers for the rest; those in the wire format are counted apart, with why the
 * first could not be read, and a registry that did not answer is not asked again for every record.
 */
public final class DltReader {

  private final TopicReader reader;
  private final Topics topics;
  private final Deserializer<DeadLetter> values;
  private long unreadRegistryRecords;
  private String firstRegistryError;
  private boolean registryDown;

  public DltReader(TopicReader reader, Topics topics) {
    this.reader = reader;
    this.topics = topics;
    this.values = topics.deadLetters().valueSerde().deserializer();
  }

  /**
   * What was read: the accepted dead letters, how many records there were, how many were unreadable,
   * and of those how many were in a schema registry's wire format, with why the first could not be read.
   */
  public record Result(List<DeadLetterEntry> entries, long records, long unreadable, long unreadRegistryRecords,
      String firstRegistryError) {
  }

  public Result read(Predicate<DeadLetterEntry> filter) {
    List<DeadLetterEntry> entries = new ArrayList<>();
    long[] unreadable = {0};
    long records = forEach(entry -> {
      if (entry == null) {
        unreadable[0]++;
      } else if (filter.test(entry)) {
        entries.add(entry);
      }
    });
    entries.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    return new Result(entries, records, unreadable[0], unreadRegistryRecords, firstRegistryError);
  }

  /**
   * Hands every record of the topic to {@code sink} as it is read, null for one that is not a
   * readable dead letter, holding none of them: for a reader that keeps only what it needs (a page).
   * Returns the number of records.
   */
  public long forEach(java.util.function.Consumer<DeadLetterEntry> sink) {
    return reader.read(topics.deadLetters().name(), record -> sink.accept(decode(record)));
  }

  private DeadLetterEntry decode(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return null;
    }
    boolean registryFormat = Encoding.of(record.value()) == Encoding.CONFLUENT;
    if (registryFormat && registryDown) {
      // asked once in vain: not once more (and a time-out more) for every record of the topic
      unreadRegistryRecords++;
      return null;
    }
    try {
      DeadLetter letter = values.deserialize(record.topic(), record.value());
      return new DeadLetterEntry(record.topic(), record.partition(), record.offset(), letter, headers(record));
    } catch (RuntimeException e) {
      if (registryFormat && unreadRegistryRecords++ == 0) {
        firstRegistryError = e.getMessage();
      }
      registryDown |= registryFormat && RegistryUnavailableException.isCauseOf(e);
      return null;
    }
  }

  private static Map<String, String> headers(ConsumerRecord<?, ?> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
