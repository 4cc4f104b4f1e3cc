package dev.notifier.streams.feedback;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.Suppression;
import dev.notifier.schemas.NotificationIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The learn stage: turns feedback (keyed by address) into suppressions by {@link FeedbackDecisions},
 * exactly once with the rest of the streams app. Its one store remembers each address's recent soft
 * bounces (epoch millis, comma-separated; small, and gone once they suppress or age out of the window).
 * The suppression in force is read from the topology's global suppressions table, which also holds
 * what operators added or removed by hand; it trails the topic by moments, so two feedback records for
 * one address within those moments may both count as the first (the suppression is the same).
 */
public final class FeedbackProcessor implements Processor<String, Feedback, String, Suppression> {

  /** The store of recent soft bounces per address. */
  public static final String SOFT_BOUNCES_STORE = "feedback-soft-bounces";

  private final FeedbackDecisions decisions;
  private final String suppressionsStore;
  private ProcessorContext<String, Suppression> context;
  private KeyValueStore<String, String> softBounces;
  private ReadOnlyKeyValueStore<String, Object> suppressions;

  public FeedbackProcessor(SuppressionPolicy policy, String suppressionsStore) {
    this.decisions = new FeedbackDecisions(policy);
    this.suppressionsStore = suppressionsStore;
  }

  public static StoreBuilder<KeyValueStore<String, String>> storeBuilder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SOFT_BOUNCES_STORE), Serdes.String(),
        Serdes.String());
  }

  @Override
  public void init(ProcessorContext<String, Suppression> context) {
    this.context = context;
    this.softBounces = context.getStateStore(SOFT_BOUNCES_STORE);
    this.suppressions = context.getStateStore(suppressionsStore);
  }

  @Override
  public void process(Record<String, Feedback> record) {
    Feedback f = record.value();
    if (f == null || f.getAddress() == null || f.getAddress().isBlank()) {
      return;
    }
    String address = NotificationIds.normalize(f.getAddress());
    FeedbackDecisions.Decision d = decisions.decide(f, inForce(address), parse(softBounces.get(address)));
    if (d.softBounces().isEmpty()) {
      softBounces.delete(address);
    } else {
      softBounces.put(address, d.softBounces().stream().map(t -> Long.toString(t.toEpochMilli()))
          .collect(Collectors.joining(",")));
    }
    if (d.suppression() != null) {
      context.forward(record.withKey(address).withValue(d.suppression()));
    }
  }

  private Suppression inForce(String address) {
    Object v = suppressions.get(address);
    return v instanceof ValueAndTimestamp<?> vt ? (Suppression) vt.value() : (Suppression) v;
  }

  private static List<Instant> parse(String stored) {
    List<Instant> out = new ArrayList<>();
    if (stored != null && !stored.isBlank()) {
      for (String part : stored.split(",")) {
        out.add(Instant.ofEpochMilli(Long.parseLong(part.strip())));
      }
    }
    return out;
  }
}
