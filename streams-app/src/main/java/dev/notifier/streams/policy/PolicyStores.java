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

  public static List<StoreBuilder<?>> builders() {
    return List.of(
        store(DIGESTS, new AvroSerde<>(OpenDigest.class, OpenDigest.getClassSchema())),
        store(OPEN, Serdes.String()),
        store(DUE, Serdes.String()),
        store(HELD, candidateSerde()),
        store(CAPS, Serdes.String()));
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
