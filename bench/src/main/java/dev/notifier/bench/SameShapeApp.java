package dev.notifier.bench;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Party;
import dev.notifier.avro.Recipient;
import dev.notifier.avro.User;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.dedup.DedupProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Baseline (c) of the topology scenario: the smallest Kafka Streams app with the notifier's own
 * shape — the same input, the same state and the same output, with none of its logic. Per event it
 * decodes the Avro event, looks its group and the group's users up in global tables (the notifier's
 * directory, same topics and stores), checks and records each notification id in a changelogged
 * window store (the notifier's dedup store, the same three point lookups and one put), and writes a
 * {@link Notification} to the send topic and a QUEUED {@link DeliveryStatus} to the status topic per
 * recipient. Its render is trivial: the bodies are the notifier's own rendered text and HTML for the
 * same event type, copied (so the records it writes are as large), the subject a concatenation.
 * The notifier's distance from it is what its logic costs (rules, policy, Mustache, metrics, the
 * skip and invalid branches), apart from what its shape costs.
 */
final class SameShapeApp {

  private SameShapeApp() {
  }

  /**
   * The app reading {@code input} and {@code topics}' directory, writing to {@code topics}' send and
   * status topics, with {@code sample} (a notification the notifier rendered) as its bodies.
   */
  static Topology build(Topics topics, String input, Duration dedupWindow, Notification sample) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(DedupProcessor.storeBuilder(dedupWindow));
    globalTable(builder, topics.users(), "users");
    globalTable(builder, topics.groups(), "groups");
    var processed = builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new Shape(dedupWindow, sample), DedupProcessor.STORE);
    processed.filter((k, v) -> v instanceof Notification).mapValues(v -> (Notification) v)
        .to(topics.send().name(), Produced.with(topics.send().keySerde(), topics.send().valueSerde()));
    processed.filter((k, v) -> v instanceof DeliveryStatus).mapValues(v -> (DeliveryStatus) v)
        .to(topics.status().name(), Produced.with(topics.status().keySerde(), topics.status().valueSerde()));
    return builder.build();
  }

  private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String store) {
    builder.globalTable(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()),
        Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
            .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
  }

  /** Parse, look up, dedup, render trivially, emit a notification and its status per recipient. */
  private static final class Shape implements Processor<String, byte[], String, Object> {
    private final long windowMs;
    private final Notification sample;
    private ProcessorContext<String, Object> context;
    private TimestampedKeyValueStore<String, User> users;
    private TimestampedKeyValueStore<String, Group> groups;
    private WindowStore<String, Long> seen;

    Shape(Duration window, Notification sample) {
      this.windowMs = window.toMillis();
      this.sample = sample;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
      this.users = context.getStateStore("users");
      this.groups = context.getStateStore("groups");
      this.seen = context.getStateStore(DedupProcessor.STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      DomainEvent event;
      try {
        event = DomainEvent.fromByteBuffer(ByteBuffer.wrap(record.value()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (Party party : event.getTo()) {
        ValueAndTimestamp<Group> group = party.getGroupId() == null ? null : groups.get(party.getGroupId());
        if (group == null) {
          continue;
        }
        for (String member : group.value().getMembers()) {
          ValueAndTimestamp<User> user = users.get(member);
          if (user != null) {
            emit(record, event, user.value());
          }
        }
      }
    }

    private void emit(Record<String, byte[]> record, DomainEvent event, User user) {
      String id = NotificationIds.forAddress(event.getEventId(), user.getEmail(), sample.getTemplate());
      long ts = record.timestamp();
      long bucket = ts - Math.floorMod(ts, windowMs);
      if (within(seen.fetch(id, bucket), ts) || within(seen.fetch(id, bucket - windowMs), ts)
          || within(seen.fetch(id, bucket + windowMs), ts)) {
        return;
      }
      seen.put(id, ts, bucket);
      Notification n = Notification.newBuilder()
          .setNotificationId(id)
          .setEventId(event.getEventId())
          .setEventType(event.getType())
          .setSource(event.getSource())
          .setTeam(event.getTeam())
          .setTemplate(sample.getTemplate())
          .setAccount(sample.getAccount())
          .setRecipient(Recipient.newBuilder().setUserId(user.getUserId()).setEmail(user.getEmail())
              .setName(user.getDisplayName()).setLocale(user.getLocale()).setRole("to").build())
          .setSubject("Bug #" + event.getSubject().getId() + " " + event.getSubject().getTitle())
          .setTextBody(sample.getTextBody())
          .setHtmlBody(sample.getHtmlBody())
          .setCreatedAt(Instant.now())
          .build();
      context.forward(new Record<>(id, n, ts));
      DeliveryStatus queued = DeliveryStatuses.of(n, DeliveryState.QUEUED, null, null, 0, n.getCreatedAt());
      context.forward(new Record<>(id, queued, ts));
    }

    private boolean within(Long seenAt, long ts) {
      return seenAt != null && Math.abs(ts - seenAt) <= windowMs;
    }
  }
}
