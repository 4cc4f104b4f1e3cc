package dev.notifier.streams.policy;

import dev.notifier.avro.internal.OpenDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The digest stores kept consistent: a digest is in {@link PolicyStores#DIGESTS} by id, indexed by
 * its due time in {@link PolicyStores#DUE}, and — while it takes items — pointed at from
 * {@link PolicyStores#OPEN} by its (recipient, digest key). A sealed digest (due in quiet hours)
 * has no open pointer: the next item for its key opens a new digest.
 */
final class OpenDigests {

  private final KeyValueStore<String, OpenDigest> digests;
  private final KeyValueStore<String, String> open;
  private final KeyValueStore<String, String> due;

  OpenDigests(KeyValueStore<String, OpenDigest> digests, KeyValueStore<String, String> open,
      KeyValueStore<String, String> due) {
    this.digests = digests;
    this.open = open;
    this.due = due;
  }

  /** The digest taking items for {@code openKey}, or null. */
  OpenDigest current(String openKey) {
    String id = open.get(openKey);
    return id == null ? null : digests.get(id);
  }

  /** Stores a new digest, open for items, due at its {@code dueAt}. */
  void create(OpenDigest d) {
    open.put(d.getOpenKey(), d.getDigestId());
    digests.put(d.getDigestId(), d);
    due.put(PolicyStores.timeKey(d.getDueAt(), d.getDigestId()), d.getDigestId());
  }

  /** Stores {@code d}'s new items, now due at {@code dueAt}. */
  void update(OpenDigest d, Instant dueAt) {
    due.delete(PolicyStores.timeKey(d.getDueAt(), d.getDigestId()));
    d.setDueAt(dueAt.toEpochMilli());
    due.put(PolicyStores.timeKey(d.getDueAt(), d.getDigestId()), d.getDigestId());
    digests.put(d.getDigestId(), d);
  }

  /** Closes {@code d} to new items; it is sent at {@code releaseAt}. */
  void seal(OpenDigest d, Instant releaseAt) {
    if (!d.getSealed()) {
      open.delete(d.getOpenKey());
      d.setSealed(true);
    }
    update(d, releaseAt);
  }

  void remove(OpenDigest d) {
    due.delete(PolicyStores.timeKey(d.getDueAt(), d.getDigestId()));
    digests.delete(d.getDigestId());
    if (!d.getSealed()) {
      open.delete(d.getOpenKey());
    }
  }

  /** Up to {@code limit} digests due at or before {@code now}, earliest first. */
  List<OpenDigest> due(Instant now, int limit) {
    List<OpenDigest> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it = due.range("", PolicyStores.timeKeyBound(now.toEpochMilli()))) {
      while (it.hasNext() && out.size() < limit) {
        KeyValue<String, String> next = it.next();
        OpenDigest d = digests.get(next.value);
        if (d == null) {
          due.delete(next.key);
        } else {
          out.add(d);
        }
      }
    }
    return out;
  }
}
