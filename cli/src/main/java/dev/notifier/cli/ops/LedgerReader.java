package dev.notifier.cli.ops;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.Encoding;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import dev.notifier.sender.outcome.Statuses;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the delivery ledger, {@code notifier.status}.
 *
 * <p>What is kept: the topic is compacted and keyed by notification id, so it always holds the
 * <em>latest</em> status of every notification (QUEUED → RETRYING… → SENT / DEAD, or SKIPPED). The
 * <em>history</em> of an id — each RETRYING with its reason and next attempt, a replay's QUEUED —
 * is there only until the log cleaner compacts the segment it sits in (never the active segment,
 * never before {@code min.compaction.lag.ms}); the full facts of a failure stay in the dead-letter
 * topic ({@code notifier.send.dlt}, time-retained, never compacted), and a notification still
 * waiting is in a retry topic. Records of one id are all in one partition, so offset order is the
 * order they happened in: the latest status is the one with the highest offset.
 *
 * <p>Both {@code notifier status} ({@code ledger}) and {@code notifier dlt replay} ({@code dlt}, which
 * replays only what the ledger still says is DEAD) read it, so it sits here beside {@link TopicReader},
 * below both packages.
 */
public final class LedgerReader {

  private final TopicReader reader;
  private final Topics topics;
  private final Deserializer<DeliveryStatus> values;
  private int unreadRegistryRecords;
  private String firstRegistryError;
  private boolean registryDown;

  public LedgerReader(TopicReader reader, Topics topics) {
    this.reader = reader;
    this.topics = topics;
    // the catalogue's serde: with a schema registry configured it reads the registry's wire format too
    this.values = topics.status().valueSerde().deserializer();
  }

  /** Every status record the filter accepts, in offset order within each partition. */
  public List<StatusEntry> history(Predicate<DeliveryStatus> filter) {
    List<StatusEntry> entries = new ArrayList<>();
    reader.read(topics.status().name(), record -> {
      DeliveryStatus status = decode(record.value());
      if (status != null && filter.test(status)) {
        Header worker = record.headers().lastHeader(Statuses.WORKER_HEADER);
        entries.add(new StatusEntry(record.partition(), record.offset(), status,
            worker == null || worker.value() == null ? null : new String(worker.value(), StandardCharsets.UTF_8)));
      }
    });
    entries.sort(Comparator.comparingInt(StatusEntry::partition).thenComparingLong(StatusEntry::offset));
    return entries;
  }

  /** The latest status of each notification the filter accepts, by notification id. */
  public Map<String, StatusEntry> latest(Predicate<DeliveryStatus> filter) {
    Map<String, StatusEntry> latest = new LinkedHashMap<>();
    for (StatusEntry e : history(filter)) {
      latest.put(e.notificationId(), e);
    }
    return latest;
  }

  /**
   * How many records read so far were in a schema registry's wire format and could not be read (no
   * registry configured, or it did not answer): a command says so rather than answering as if they
   * were not there.
   */
  public int unreadRegistryRecords() {
    return unreadRegistryRecords;
  }

  /** Why the first of {@link #unreadRegistryRecords()} could not be read; null when none. */
  public String firstRegistryError() {
    return firstRegistryError;
  }

  private DeliveryStatus decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    boolean registryFormat = Encoding.of(bytes) == Encoding.CONFLUENT;
    if (registryFormat && registryDown) {
      // asked once in vain: not once more (and a time-out more) for every record of the topic
      unreadRegistryRecords++;
      return null;
    }
    try {
      return values.deserialize(topics.status().name(), bytes);
    } catch (RuntimeException e) {
      if (registryFormat && unreadRegistryRecords++ == 0) {
        firstRegistryError = e.getMessage();
      }
      registryDown |= registryFormat && RegistryUnavailableException.isCauseOf(e);
      return null;
    }
  }
}
