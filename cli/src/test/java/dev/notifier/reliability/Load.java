package dev.notifier.reliability;

import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A deterministic load: {@code users} directory users and events that each name an assignee and a
 * cc among them, acted by someone outside them, so every event means one or two emails that the
 * test can list in advance. Bounded in count, paced in time.
 */
final class Load {

  static final String TEMPLATE = "bug";

  private final String run;
  private final int users;

  Load(String run, int users) {
    this.run = run;
    this.users = users;
  }

  String eventId(int i) {
    return run + "-" + i;
  }

  String to(int i) {
    return "u" + (i % users);
  }

  String cc(int i) {
    return "u" + ((i * 7 + 3) % users);
  }

  static String address(String user) {
    return user + "@example.com";
  }

  /** The notification ids events {@code from} (inclusive) to {@code to} (exclusive) must produce. */
  Set<String> expected(int from, int to) {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = from; i < to; i++) {
      ids.add(NotificationIds.forAddress(eventId(i), address(to(i)), TEMPLATE));
      ids.add(NotificationIds.forAddress(eventId(i), address(cc(i)), TEMPLATE));
    }
    return ids;
  }

  String eventJson(int i) {
    return "{\"eventId\":\"" + eventId(i) + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\",\"team\":\"qa\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"robot\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"" + i + "\",\"title\":\"Load " + i + "\"},"
        + "\"to\":[{\"userId\":\"" + to(i) + "\"}],\"cc\":[{\"userId\":\"" + cc(i) + "\"}]}";
  }

  static KafkaProducer<String, byte[]> producer(Properties client) {
    Properties props = new Properties();
    props.putAll(client);
    // an upstream system that does things right: acknowledged means durable, retries never duplicate
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ReliabilityCluster.MAX_EVENT_MESSAGE_BYTES);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  void publishDirectory(Properties client, Topics topics) throws Exception {
    try (KafkaProducer<String, byte[]> producer = producer(client)) {
      for (int u = 0; u < users; u++) {
        String json = "{\"userId\":\"u" + u + "\",\"email\":\"" + address("u" + u) + "\",\"locale\":\"en\"}";
        producer.send(new ProducerRecord<>(topics.users().name(), "u" + u, json.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  /** {@link #publish} on another thread, while the scenario goes on; its future fails if publishing does. */
  CompletableFuture<List<Integer>> publishInBackground(Properties client, Topics topics, int from, int to,
      int perSecond) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return publish(client, topics, from, to, perSecond);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /**
   * Publishes events {@code from}..{@code to} at about {@code perSecond}; returns how many the broker
   * acknowledged (an event whose send failed is not counted and not expected).
   */
  List<Integer> publish(Properties client, Topics topics, int from, int to, int perSecond) throws Exception {
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = producer(client)) {
      for (int i = from; i < to; i++) {
        long due = start + (long) ((i - from) * (1e9 / perSecond));
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        sends.add(producer.send(new ProducerRecord<>(topics.events().name(), eventId(i),
            eventJson(i).getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
    }
    List<Integer> acknowledged = new ArrayList<>();
    for (int i = 0; i < sends.size(); i++) {
      try {
        sends.get(i).get(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS);
        acknowledged.add(from + i);
      } catch (java.util.concurrent.ExecutionException e) {
        // not acknowledged: the upstream system knows it failed and would retry; not expected here
      }
    }
    return acknowledged;
  }
}
