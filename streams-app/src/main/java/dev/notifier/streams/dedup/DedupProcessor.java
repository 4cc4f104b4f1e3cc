package dev.notifier.streams.dedup;

import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.metrics.TopologyMetrics;
import java.time.Duration;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Lets through the first candidate per notification id — that is, per (event, recipient address,
 * template) — and drops any other with the same id whose timestamp lies within the dedup window
 * of one already seen.
 *
 * <p><b>How long ids are remembered.</b> Ids live in a persistent window store (default window
 * 24 h, {@code streams.dedupWindow}), each under the start of the window-long bucket its first
 * timestamp falls in, with that timestamp as the value. Whether an id was seen within the window of
 * a timestamp takes three point lookups — its bucket and the two neighbours — rather than a range
 * scan across segments. Retention is three windows: Kafka Streams drops whole segments once stream
 * time has moved a retention period past them, so the store holds at most about three windows'
 * worth of ids no matter how long the app runs. A producer
 * retry or an upstream replay within the window is therefore dropped; one that arrives later is
 * treated as new mail. The store is changelogged, and with {@code exactly_once_v2} its updates
 * commit atomically with the notifications written to the send topic, so a crash cannot leave
 * an id remembered without its notification or the other way round.
 */
public final class DedupProcessor implements FixedKeyProcessor<String, Candidate, Candidate> {

  public static final String STORE = "dedup-store";

  /**
   * The name of the Kafka Streams metric that counts dropped duplicates (Micrometer's is
   * {@value TopologyMetrics#DUPLICATES_DROPPED}).
   */
  public static final String DROPPED_METRIC = "duplicates-dropped";

  /** Buckets kept: the one a lookup may reach furthest back starts two windows before it. */
  static final int RETAINED_WINDOWS = 3;

  private final long windowMs;
  private final TopologyMetrics metrics;
  private FixedKeyProcessorContext<String, Candidate> context;
  private WindowStore<String, Long> seen;
  private Sensor dropped;

  public DedupProcessor(Duration window, TopologyMetrics metrics) {
    this.windowMs = window.toMillis();
    this.metrics = metrics;
  }

  /** The store this processor needs, registered with the topology. */
  public static StoreBuilder<WindowStore<String, Long>> storeBuilder(Duration window) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(STORE, window.multipliedBy(RETAINED_WINDOWS), window, false),
        Serdes.String(), Serdes.Long());
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Candidate> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
    this.dropped = context.metrics().addRateTotalSensor("notifier", "dedup", DROPPED_METRIC,
        Sensor.RecordingLevel.INFO);
  }

  @Override
  public void process(FixedKeyRecord<String, Candidate> record) {
    long ts = record.timestamp();
    if (alreadySeen(record.key(), ts)) {
      dropped.record();
      metrics.duplicateDropped();
      return;
    }
    seen.put(record.key(), ts, bucket(ts));
    context.forward(record);
  }

  /** Seen at a timestamp within the window either side of {@code ts}: in its bucket or a neighbour. */
  private boolean alreadySeen(String id, long ts) {
    long bucket = bucket(ts);
    return within(seen.fetch(id, bucket), ts) || within(seen.fetch(id, bucket - windowMs), ts)
        || within(seen.fetch(id, bucket + windowMs), ts);
  }

  private boolean within(Long seenAt, long ts) {
    return seenAt != null && Math.abs(ts - seenAt) <= windowMs;
  }

  private long bucket(long ts) {
    return ts - Math.floorMod(ts, windowMs);
  }
}
