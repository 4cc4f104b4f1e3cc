package dev.notifier.streams.policy;

import dev.notifier.avro.internal.Candidate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Mail held in the recipient's quiet hours, by release time ({@link PolicyStores#HELD}). */
final class HeldMail {

  private final KeyValueStore<String, Candidate> held;

  HeldMail(KeyValueStore<String, Candidate> held) {
    this.held = held;
  }

  void hold(String notificationId, Candidate c, Instant releaseAt) {
    held.put(PolicyStores.timeKey(releaseAt.toEpochMilli(), notificationId), c);
  }

  /** Takes out up to {@code limit} held notifications due at or before {@code now}, earliest first. */
  List<Candidate> takeDue(Instant now, int limit) {
    List<KeyValue<String, Candidate>> due = new ArrayList<>();
    try (KeyValueIterator<String, Candidate> it = held.range("", PolicyStores.timeKeyBound(now.toEpochMilli()))) {
      while (it.hasNext() && due.size() < limit) {
        due.add(it.next());
      }
    }
    due.forEach(kv -> held.delete(kv.key));
    return due.stream().map(kv -> kv.value).toList();
  }
}
