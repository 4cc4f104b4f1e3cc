package dev.notifier.streams.policy;

import dev.notifier.avro.internal.Candidate;
import dev.notifier.avro.internal.OpenDigest;
import dev.notifier.schemas.AvroSerde;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The policy stage's state, all persistent and changelogged (so exactly-once v2 commits their
 * changes with the notifications and statuses they cause): digests by id, the open digest per
 * (recipient, digest key), the digests by due time, mail held in quiet hours by release time, and
 * each recipient's count of mails on their current day. Time-ordered keys are the epoch millis
 * zero-padded to 13 digits, so a range scan up to "now" finds what is due without reading the rest.
 */
public final class PolicyStores {

  public static final String DIGESTS = "policy-digests";
  public static final String OPEN = "policy-open-digests";
  public static final String DUE = "policy-digests-due";
  public static final String HELD = "policy-held";
  public static final String CAPS = "policy-daily-counts";

  private PolicyStores() {
  }

  /** The serde of candidates on the by-recipient repartition topic and in the held store. */
  public static Serde<Candidate> candidateSerde() {
    return new AvroSerde<>(Candidate.class, Candidate.getClassSchema());
  }

  /**
   * The stores' builders. The stores read and written by key alone (digests, open digests, daily counts)
   * have Kafka Streams' record cache in front: a key written many times between two commits (a recipient's
   * count, once per mail; a digest, once per item) reaches RocksDB and the changelog once per commit instead
   * of once per write. The cache is flushed before each commit, so under exactly-once the changelog still
   * commits with the output it goes with. The time-ordered stores (due digests, held mail) are range-scanned
   * and stay uncached.
   */
  public static List<StoreBuilder<?>> builders() {
    return List.of(
        store(DIGESTS, new AvroSerde<>(OpenDigest.class, OpenDigest.getClassSchema())).withCachingEnabled(),
        store(OPEN, Serdes.String()).withCachingEnabled(),
        store(DUE, Serdes.String()),
        store(HELD, candidateSerde()),
        store(CAPS, Serdes.String()).withCachingEnabled());
  }

  /** The store names, for {@code process(..., names)}. */
  public static String[] names() {
    return new String[] {DIGESTS, OPEN, DUE, HELD, CAPS};
  }

  /** {@code at} as a key prefix that sorts in time order. */
  static String timeKey(long epochMillis, String id) {
    return String.format("%013d|%s", epochMillis, id);
  }

  /** The first key after every time key up to {@code epochMillis}. */
  static String timeKeyBound(long epochMillis) {
    return String.format("%013d}", epochMillis);
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
  }
}
