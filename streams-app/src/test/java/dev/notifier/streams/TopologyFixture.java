package dev.notifier.streams;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.metrics.TopologyMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A {@link TopologyTestDriver} over the real topology with typed input and output topics. */
final class TopologyFixture implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  final Topics topics = Topics.standard();
  final TopologyTestDriver driver;
  final TestInputTopic<String, byte[]> events;
  final TestInputTopic<String, String> usersJson;
  final TestInputTopic<String, String> groupsJson;
  final TestOutputTopic<String, Notification> send;
  final TestOutputTopic<String, DeliveryStatus> status;
  final TestOutputTopic<String, byte[]> invalid;
  /** The topology's counters (each fixture has a registry of its own unless the settings name one). */
  final TopologyMetrics metrics;

  TopologyFixture() {
    this(TopologySettings.defaults(Topics.standard(), "default"));
  }

  TopologyFixture(TopologySettings settings) {
    this(settings, T0);
  }

  /** A driver whose wall clock starts at {@code start}; {@link #advance} moves it (and fires punctuations). */
  TopologyFixture(TopologySettings settings, Instant start) {
    TopologySettings fixed = settings.withClock(Clock.fixed(start, ZoneOffset.UTC));
    metrics = fixed.metrics();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // a state directory of its own: the default one under /tmp is shared with every other build on the host
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
    StreamsBuilder builder = new StreamsBuilder();
    NotifierTopology.buildTopology(builder, fixed);
    driver = new TopologyTestDriver(builder.build(), props, start);
    events = driver.createInputTopic(topics.events().name(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), start, java.time.Duration.ZERO);
    usersJson = driver.createInputTopic(topics.users().name(), Serdes.String().serializer(),
        Serdes.String().serializer());
    groupsJson = driver.createInputTopic(topics.groups().name(), Serdes.String().serializer(),
        Serdes.String().serializer());
    send = driver.createOutputTopic(topics.send().name(), Serdes.String().deserializer(),
        topics.send().valueSerde().deserializer());
    status = driver.createOutputTopic(topics.status().name(), Serdes.String().deserializer(),
        topics.status().valueSerde().deserializer());
    invalid = driver.createOutputTopic(topics.invalidEvents().name(), Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  void user(String id, String email) {
    String mail = email == null ? "null" : "\"" + email + "\"";
    usersJson.pipeInput(id, "{\"userId\":\"" + id + "\",\"email\":" + mail + ",\"displayName\":\"" + id
        + "\",\"locale\":\"en\",\"active\":true}");
  }

  void userJson(String id, String json) {
    usersJson.pipeInput(id, json);
  }

  void group(String id, String... members) {
    groupsJson.pipeInput(id, "{\"groupId\":\"" + id + "\",\"members\":[\""
        + String.join("\",\"", members) + "\"]}");
  }

  void event(String key, String json) {
    events.pipeInput(key, json.getBytes(StandardCharsets.UTF_8));
  }

  void event(String key, String json, Instant at) {
    events.pipeInput(new TestRecord<>(key, json.getBytes(StandardCharsets.UTF_8), at));
  }

  private static Path stateDir() {
    try {
      Path dir = Files.createTempDirectory("notifier-ttd-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Moves the driver's wall clock on by {@code by}; due punctuations run. */
  void advance(java.time.Duration by) {
    driver.advanceWallClockTime(by);
  }

  List<Notification> sent() {
    return send.readValuesToList();
  }

  Map<String, DeliveryStatus> statuses() {
    return status.readKeyValuesToMap();
  }

  /** A ZenTao-like event in the README's JSON shape. */
  static String eventJson(String eventId, String type, String actor, String to, String... cc) {
    StringBuilder ccs = new StringBuilder();
    for (String c : cc) {
      if (ccs.length() > 0) {
        ccs.append(',');
      }
      ccs.append(c.startsWith("group:") ? "{\"groupId\":\"" + c.substring(6) + "\"}"
          : c.contains("@") ? "{\"email\":\"" + c + "\"}" : "{\"userId\":\"" + c + "\"}");
    }
    return "{\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"source\":\"zentao\",\"team\":\"qa\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"" + actor + "\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"42\",\"title\":\"Login fails on Safari\","
        + "\"url\":\"https://pm.example.com/bug-42\"},"
        + "\"to\":[{\"userId\":\"" + to + "\"}],\"cc\":[" + ccs + "],\"attributes\":{\"severity\":\"2\"}}";
  }

  @Override
  public void close() {
    driver.close();
  }
}
