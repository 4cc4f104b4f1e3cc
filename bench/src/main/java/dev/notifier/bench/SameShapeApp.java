package dev.notifier.bench;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.internal.Candidate;
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
import dev.notifier.streams.policy.PolicyStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Baseline (c) of the topology scenario: the smallest Kafka Streams app with the notifier's own
 * shape — the same input, the same state and the same output, with none of its logic. Per event it
 * decodes the Avro event, looks its group and the group's users up in global tables (the notifier's
 * directory, same topics and stores), checks and records each notification id in a changelogged
 * window store (the notifier's dedup store, the same three point lookups and one put), repartitions
 * each recipient's {@link Candidate} (the event and the recipient, the notifier's record) by address
 * as the notifier's policy stage does, counts it in a changelogged per-recipient store there (the
 * policy stage's daily count: a get and a put), and writes a {@link Notification} to the send topic
 * and a QUEUED {@link DeliveryStatus} to the status topic per recipient. Its render is trivial: the bodies are the notifier's own rendered text and HTML for the
 * same event type, copied (so the records it writes are as large), the subject a concatenation.
 * The notifier's distance from it is what its logic costs (rules, policy, Mustache, metrics, the
 * skip and invalid branches), apart from what its shape costs.
 */
final class SameShapeApp {

  /** A part of the shape that a variant of the app leaves out, to measure what it costs. */
  enum Part {
    /** The directory's global tables, read once per group and then kept in a map of the app's own. */
    LOOKUPS("the directory looked up once per group, then from a map"),
    /** The changelogged dedup window store: no fetches, no puts. */
    DEDUP("no dedup store"),
    /** The by-recipient repartition: the candidate goes straight on to the count and the render, in the event's task. */
    REPARTITION("no repartition (one hop)"),
    /** The changelogged per-recipient count: no get, no put. */
    COUNTS("no count store"),
    /** Building and Avro-serializing each notification and status: the sample's bytes, serialized once, instead. */
    AVRO_OUT("records serialized once, not per notification");

    final String label;

    Part(String label) {
      this.label = label;
    }
  }

  /** The per-recipient count (the policy stage's daily-count store). */
  static final String COUNTS = "shape-recipient-counts";

  private SameShapeApp() {
  }

  /**
   * The app reading {@code input} and {@code topics}' directory, writing to {@code topics}' send and
   * status topics, with {@code sample} (a notification the notifier rendered) as its bodies.
   */
  static Topology build(Topics topics, String input, Duration dedupWindow, Notification sample) {
    return build(topics, input, dedupWindow, sample, java.util.EnumSet.noneOf(Part.class));
  }

  /** As {@link #build(Topics, String, Duration, Notification)}, with the parts in {@code without} left out. */
  static Topology build(Topics topics, String input, Duration dedupWindow, Notification sample,
      java.util.Set<Part> without) {
    StreamsBuilder builder = new StreamsBuilder();
    List<String> shapeStores = new ArrayList<>();
    if (!without.contains(Part.DEDUP)) {
      builder.addStateStore(DedupProcessor.storeBuilder(dedupWindow));
      shapeStores.add(DedupProcessor.STORE);
    }
    List<String> renderStores = new ArrayList<>();
    if (!without.contains(Part.COUNTS)) {
      // cached as the notifier's daily-count store is (PolicyStores): a recipient's count reaches RocksDB and the
      // changelog once per commit
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS), Serdes.String(),
          Serdes.String()).withCachingEnabled());
      renderStores.add(COUNTS);
    }
    globalTable(builder, topics.users(), "users");
    globalTable(builder, topics.groups(), "groups");
    var candidates = builder.stream(input, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .process(() -> new Shape(dedupWindow, sample, without), shapeStores.toArray(String[]::new));
    if (!without.contains(Part.REPARTITION)) {
      candidates = candidates.repartition(Repartitioned.<String, Candidate>as("by-recipient")
          .withKeySerde(Serdes.String()).withValueSerde(PolicyStores.candidateSerde()));
    }
    var processed = candidates.process(() -> new Render(sample, without),
        renderStores.toArray(String[]::new));
    if (without.contains(Part.AVRO_OUT)) {
      processed.filter((k, v) -> v instanceof Serialized s && s.send())
          .mapValues(v -> ((Serialized) v).bytes())
          .to(topics.send().name(), Produced.with(Serdes.String(), Serdes.ByteArray()));
      processed.filter((k, v) -> v instanceof Serialized s && !s.send())
          .mapValues(v -> ((Serialized) v).bytes())
          .to(topics.status().name(), Produced.with(Serdes.String(), Serdes.ByteArray()));
      return builder.build();
    }
    processed.filter((k, v) -> v instanceof Notification).mapValues(v -> (Notification) v)
        .to(topics.send().name(), Produced.with(topics.send().keySerde(), topics.send().valueSerde()));
    processed.filter((k, v) -> v instanceof DeliveryStatus).mapValues(v -> (DeliveryStatus) v)
        .to(topics.status().name(), Produced.with(topics.status().keySerde(), topics.status().valueSerde()));
    return builder.build();
  }

  /** A record already serialized, for the send topic or the status topic. */
  private record Serialized(boolean send, byte[] bytes) {
  }

  private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String store) {
    builder.globalTable(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()),
        Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
            .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
  }

  /** Parse, look up, dedup; a candidate per new recipient, keyed by address. */
  private static final class Shape implements Processor<String, byte[], String, Candidate> {
    private final long windowMs;
    private final Notification sample;
    private ProcessorContext<String, Candidate> context;
    private TimestampedKeyValueStore<String, User> users;
    private TimestampedKeyValueStore<String, Group> groups;
    private WindowStore<String, Long> seen;
    private final boolean lookUp;
    private final boolean dedup;
    private final java.util.Map<String, List<User>> members = new java.util.HashMap<>();

    Shape(Duration window, Notification sample, java.util.Set<Part> without) {
      this.windowMs = window.toMillis();
      this.sample = sample;
      this.lookUp = !without.contains(Part.LOOKUPS);
      this.dedup = !without.contains(Part.DEDUP);
    }

    @Override
    public void init(ProcessorContext<String, Candidate> context) {
      this.context = context;
      this.users = context.getStateStore("users");
      this.groups = context.getStateStore("groups");
      this.seen = dedup ? context.getStateStore(DedupProcessor.STORE) : null;
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
        if (party.getGroupId() == null) {
          continue;
        }
        if (!lookUp) {
          for (User user : members.computeIfAbsent(party.getGroupId(), this::members)) {
            emit(record, event, user);
          }
          continue;
        }
        // (c) itself: the group and each member from the global tables, as the notifier reads them, at every event
        ValueAndTimestamp<Group> group = groups.get(party.getGroupId());
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

    /** The group's members with a directory entry, from the global tables: what the variant without look-ups keeps. */
    private List<User> members(String groupId) {
      ValueAndTimestamp<Group> group = groups.get(groupId);
      if (group == null) {
        return List.of();
      }
      List<User> found = new ArrayList<>();
      for (String member : group.value().getMembers()) {
        ValueAndTimestamp<User> user = users.get(member);
        if (user != null) {
          found.add(user.value());
        }
      }
      return found;
    }

    private void emit(Record<String, byte[]> record, DomainEvent event, User user) {
      String id = NotificationIds.forAddress(event.getEventId(), user.getEmail(), sample.getTemplate());
      long ts = record.timestamp();
      long bucket = ts - Math.floorMod(ts, windowMs);
      if (seen == null) {
        forward(event, user, ts);
        return;
      }
      if (within(seen.fetch(id, bucket), ts) || within(seen.fetch(id, bucket - windowMs), ts)
          || within(seen.fetch(id, bucket + windowMs), ts)) {
        return;
      }
      seen.put(id, ts, bucket);
      forward(event, user, ts);
    }

    private void forward(DomainEvent event, User user, long ts) {
      Candidate c = Candidate.newBuilder().setEvent(event).setRole("to").setUserId(user.getUserId())
          .setEmail(user.getEmail()).setName(user.getDisplayName()).setLocale(user.getLocale())
          .setTemplate(sample.getTemplate()).build();
      context.forward(new Record<>(NotificationIds.normalize(user.getEmail()), c, ts));
    }

    private boolean within(Long seenAt, long ts) {
      return seenAt != null && Math.abs(ts - seenAt) <= windowMs;
    }
  }

  /** Counts the recipient's mail in a changelogged store, renders trivially, emits a notification and its status. */
  private static final class Render implements Processor<String, Candidate, String, Object> {
    private final Notification sample;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, String> counts;
    private final byte[] mail;
    private final byte[] queued;
    private final boolean count;

    Render(Notification sample, java.util.Set<Part> without) {
      this.sample = sample;
      this.count = !without.contains(Part.COUNTS);
      if (without.contains(Part.AVRO_OUT)) {
        mail = RecordsFanOut.mail(sample);
        queued = RecordsFanOut.queued(sample);
      } else {
        mail = null;
        queued = null;
      }
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
      this.counts = count ? context.getStateStore(COUNTS) : null;
    }

    @Override
    public void process(Record<String, Candidate> record) {
      Candidate c = record.value();
      if (counts != null) {
        String counted = counts.get(record.key());
        counts.put(record.key(), String.valueOf(counted == null ? 1 : Integer.parseInt(counted) + 1));
      }
      DomainEvent event = c.getEvent();
      String id = NotificationIds.forAddress(event.getEventId(), c.getEmail(), c.getTemplate());
      if (mail != null) {
        context.forward(new Record<>(id, new Serialized(true, mail), record.timestamp()));
        context.forward(new Record<>(id, new Serialized(false, queued), record.timestamp()));
        return;
      }
      Notification n = Notification.newBuilder()
          .setNotificationId(id)
          .setEventId(event.getEventId())
          .setEventType(event.getType())
          .setSource(event.getSource())
          .setTeam(event.getTeam())
          .setTemplate(c.getTemplate())
          .setAccount(sample.getAccount())
          .setRecipient(Recipient.newBuilder().setUserId(c.getUserId()).setEmail(c.getEmail())
              .setName(c.getName()).setLocale(c.getLocale()).setRole(c.getRole()).build())
          .setSubject("Bug #" + event.getSubject().getId() + " " + event.getSubject().getTitle())
          .setTextBody(sample.getTextBody())
          .setHtmlBody(sample.getHtmlBody())
          .setCreatedAt(Instant.now())
          .build();
      context.forward(new Record<>(id, n, record.timestamp()));
      DeliveryStatus queued = DeliveryStatuses.of(n, DeliveryState.QUEUED, null, null, 0, n.getCreatedAt());
      context.forward(new Record<>(id, queued, record.timestamp()));
    }
  }
}
