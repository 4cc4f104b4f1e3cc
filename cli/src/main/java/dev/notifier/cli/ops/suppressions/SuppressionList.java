package dev.notifier.cli.ops.suppressions;

import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The suppression list as the topic holds it: the latest value per address, a tombstone lifting it.
 * Read whole, once, by {@link TopicReader}; small next to every other topic.
 */
public final class SuppressionList {

  private final Map<String, Suppression> byAddress;

  private SuppressionList(Map<String, Suppression> byAddress) {
    this.byAddress = byAddress;
  }

  public static SuppressionList read(TopicReader reader, Topics topics) {
    Deserializer<Suppression> values = topics.suppressions().valueSerde().deserializer();
    Map<String, Suppression> latest = new TreeMap<>();
    reader.read(topics.suppressions().name(), r -> {
      if (r.key() == null) {
        return;
      }
      if (r.value() == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), values.deserialize(r.topic(), r.value()));
      }
    });
    return new SuppressionList(latest);
  }

  /** The suppression of {@code address} (any case), if any, expired or not. */
  public Optional<Suppression> of(String address) {
    return Optional.ofNullable(byAddress.get(NotificationIds.normalize(address)));
  }

  /** Every suppression, by address; those expired before {@code now} only when asked. */
  public List<Suppression> all(Instant now, boolean withExpired) {
    return byAddress.values().stream().filter(s -> withExpired || !expired(s, now)).toList();
  }

  public static boolean expired(Suppression s, Instant now) {
    return s.getExpiresAt() != null && !s.getExpiresAt().isAfter(now);
  }
}
