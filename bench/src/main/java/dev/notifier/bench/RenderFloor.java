package dev.notifier.bench;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.DeliveryStatuses;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.TopologySettings;
import dev.notifier.streams.expand.Candidates;
import dev.notifier.streams.parse.EventParser;
import dev.notifier.streams.render.Rendering;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The notifier's own work per event with no Kafka at all, on one thread: the CPU no broker, client,
 * store or Streams setting can take away. Each event of the topology scenario's input (the same bytes)
 * is parsed by the notifier's {@link EventParser}; each of its group's three members becomes the
 * candidate the expander and the directory would make, rendered by the shipped templates through the
 * topology's own {@link Rendering} (router, clock and size check included), and its notification and
 * QUEUED status are serialized with the send and status topics' own serdes. Left out, so that this is a
 * ceiling: the directory and dedup lookups, the repartition, the stores, the producer and the commits.
 */
final class RenderFloor {

  static final String NAME = "notifier's own work per event, no Kafka (parse, render, serialize)";
  /** Distinct events cycled through: enough that no branch predictor or cache learns one event. */
  private static final int EVENTS = 10_000;

  private final byte[][] events = new byte[EVENTS][];
  private final EventParser parser = new EventParser(1 << 20);
  private final TopologySettings settings;
  private final Serializer<Notification> notifications;
  private final Serializer<DeliveryStatus> statuses;
  private final String sendTopic;
  private final String statusTopic;
  private final Clock clock = Clock.systemUTC();
  /** Keeps the JIT from proving the serialized bytes unused. */
  private long sink;

  RenderFloor() {
    Topics topics = Topics.withPrefix("floor.");
    settings = TopologySettings.defaults(topics, "default");
    notifications = topics.send().valueSerde().serializer();
    statuses = topics.status().valueSerde().serializer();
    sendTopic = topics.send().name();
    statusTopic = topics.status().name();
    for (int i = 0; i < EVENTS; i++) {
      events[i] = BenchKafka.event("floor", i, "Login fails on Safari");
    }
  }

  /** Runs for {@code length}; the rate of events done, and the thread's CPU time. */
  Result run(Duration length) {
    long cpu0 = Cpu.currentThreadNanos();
    long start = System.nanoTime();
    long deadline = start + length.toNanos();
    long done = 0;
    while (System.nanoTime() < deadline) {
      for (int k = 0; k < 100; k++) {
        one((int) (done % EVENTS));
        done++;
      }
    }
    long wall = System.nanoTime() - start;
    return new Result(done, wall, Cpu.currentThreadNanos() - cpu0, sink);
  }

  private void one(int i) {
    DomainEvent event = parser.parse(events[i]);
    String group = event.getTo().get(0).getGroupId();
    int g = Integer.parseInt(group.substring(1));
    for (int m = 0; m < BenchKafka.GROUP_SIZE; m++) {
      String user = "u" + (g * BenchKafka.GROUP_SIZE + m);
      Candidate c = Candidate.newBuilder().setEvent(event).setRole("group:" + group).setUserId(user)
          .setEmail(user + "@example.com").setName("User " + user).setLocale("en").setTimeZone(null)
          .setTemplate("bug").setSkipReason(null).setSkipDetail(null).setNotifyActor(false).setPreferences(null)
          .build();
      Notification n = Rendering.of(Candidates.notificationId(c), c, settings.renderer(), settings.router(), clock)
          .notification();
      sink += notifications.serialize(sendTopic, n).length;
      sink += statuses.serialize(statusTopic, DeliveryStatuses.of(n, DeliveryState.QUEUED, null, null, 0,
          n.getCreatedAt())).length;
    }
  }

  /** Events done in {@code wallNanos}, with the CPU the thread spent; {@code bytes} only defeats dead-code elimination. */
  record Result(long events, long wallNanos, long cpuNanos, long bytes) {

    double eventsPerSecond() {
      return Stats.rate(events, wallNanos);
    }

    double cpuMillisPerEvent() {
      return cpuNanos / 1e6 / events;
    }
  }
}
