package dev.notifier.cli.ops.invalid;

import static dev.notifier.cli.ops.OpsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.Notification;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code notifier invalid} on a real broker, against what the real topology filed invalid: an event over a 1 KiB
 * {@code streams.maxEventBytes}, bytes in no known encoding, JSON without its type and bytes carrying terminal
 * escapes are listed, counted and shown with their reasons, the escapes stripped; once the limit is raised, the large event is republished — as the upstream published
 * it, its own header kept — and mailed, once, however often the command runs; an event that stays invalid is
 * quarantined after its republications.
 */
@Timeout(240)
class InvalidCommandIntegrationTest {

  private static final Topics TOPICS = Topics.standard();
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LARGE = "zt-bug-9-assign-1";
  private static final String TITLE = "Crash report: " + "stack frame ".repeat(100);

  private static EmbeddedKafka kafka;
  private static String bootstrap;
  private static StreamsApp app;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    bootstrap = kafka.bootstrapServers();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
  }

  @AfterAll
  static void stop() {
    Resources.closeInOrder(app, kafka);
  }

  @Test
  void invalidEventsAreListedShownAndRepublishedOnceTheirCauseIsFixed() throws Exception {
    // Step 1: a topology that takes events up to 1 KiB; the directory; four events it cannot read
    KafkaSettings settings = KafkaSettings.of(bootstrap);
    app = streams(settings, StreamsSettings.defaults().withMaxEventBytes(1024));
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      publisher.publish(lines("{\"userId\":\"alice\",\"email\":\"alice@example.com\"}",
          "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}"), RecordKind.USERS, false);
      assertThat(app.awaitDirectory(2, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
    }
    String large = "{\"eventId\":\"" + LARGE + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
        + "\"occurredAt\":\"2026-12-07T08:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"9\",\"title\":\"" + TITLE + "\"},\"to\":[{\"userId\":\"alice\"}]}";
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.clientProperties(),
        new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPICS.events().name(), LARGE,
          large.getBytes(StandardCharsets.UTF_8));
      record.headers().add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(
          StandardCharsets.UTF_8));
      producer.send(record);
      producer.send(new ProducerRecord<>(TOPICS.events().name(), "garbage-1", new byte[] {0x13, 0x37, (byte) 0xFF}));
      // an upstream's bytes with terminal escapes: a clipboard write (OSC 52) and a clear screen, not even JSON
      producer.send(new ProducerRecord<>(TOPICS.events().name(), "escape-1",
          "{\"eventId\":\"escape-1\",\"title\":\"hi \u001b]52;c;aGk=\u0007\u001b[2Jthere\"}"
              .getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(TOPICS.events().name(), "no-type-1",
          "{\"eventId\":\"no-type-1\",\"source\":\"zentao\"}".getBytes(StandardCharsets.UTF_8)));
    }
    Await.until(DEADLINE, "four events filed invalid", () -> invalid().size() == 4);

    // Step 2: what an analyst sees
    Run list = run("invalid", "list", "--bootstrap-server", bootstrap);
    System.out.println("$ notifier invalid list\n" + list.out());
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern(LARGE + "\\s+too-large\\s")
        .containsPattern("garbage-1\\s+unknown-encoding\\s.*binary: 13 37 ff")
        .containsPattern("no-type-1\\s+missing-field\\s").containsPattern("escape-1\\s+bad-json\\s")
        .contains("4 invalid event(s)").doesNotContain("\u001b").doesNotContain("\u0007");
    Run escape = run("invalid", "show", position("escape-1"), "--bootstrap-server", bootstrap);
    assertThat(escape.out()).as("an upstream's escapes never reach the analyst's terminal").contains("hi there")
        .doesNotContain("\u001b").doesNotContain("\u0007");
    Run newestOnly = run("invalid", "list", "--limit", "1", "--bootstrap-server", bootstrap);
    InvalidEvent newest = invalid().stream().max(InvalidEvent.BY_PUBLICATION).orElseThrow();
    assertThat(newestOnly.out()).contains("showing the newest 1 of 4 invalid event(s); --limit N shows more")
        .containsPattern("(?m)^" + newest.position() + "\\s+\\S+\\s+" + newest.key() + "\\s")
        .doesNotContain(invalid().stream().filter(e -> !e.position().equals(newest.position())).findFirst()
            .orElseThrow().key() + " ");
    Run stats = run("invalid", "stats", "--bootstrap-server", bootstrap);
    assertThat(stats.out()).containsPattern("missing-field\\s+1").containsPattern("too-large\\s+1")
        .containsPattern("unknown-encoding\\s+1").containsPattern("bad-json\\s+1")
        .contains("total 4 invalid event(s)");
    Path exported = Files.createTempFile("invalid-", ".jsonl");
    Run export = run("invalid", "export", "--error", "too-large,unknown-encoding", "--output", exported.toString(),
        "--bootstrap-server", bootstrap);
    assertThat(export.out()).contains("exported 2 invalid event(s) to " + exported);
    Run nowhere = run("invalid", "export", "--output", exported.resolveSibling("no-such-folder").resolve("x.jsonl")
        .toString(), "--bootstrap-server", bootstrap);
    assertThat(nowhere.code()).isEqualTo(2);
    assertThat(nowhere.err()).contains("no-such-folder does not exist; create it or pick another file");
    Map<String, JsonNode> byKey = new HashMap<>();
    for (String line : Files.readAllLines(exported)) {
      JsonNode node = JSON.readTree(line);
      byKey.put(node.path("key").asText(), node);
    }
    assertThat(byKey).containsOnlyKeys(LARGE, "garbage-1");
    assertThat(byKey.get(LARGE).path("text").asText()).as("the event whole, as published").isEqualTo(large);
    assertThat(byKey.get(LARGE).path("headers").get(0).path("name").asText()).isEqualTo("traceparent");
    assertThat(byKey.get("garbage-1").path("base64").asText()).isEqualTo("Ezf/");
    assertThat(byKey.get("garbage-1").path("error").asText()).isEqualTo("unknown-encoding");
    String largeAt = position(LARGE);
    Run show = run("invalid", "show", largeAt, "--bootstrap-server", bootstrap);
    System.out.println("$ notifier invalid show " + largeAt + "\n" + show.out());
    assertThat(show.out()).contains("error        too-large").contains("detail       ").contains("1024")
        .contains("header       traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736")
        .contains(large.length() + " bytes, UTF-8 text").contains(TITLE.strip());
    Run notAPosition = run("invalid", "show", "garbage-1", "--bootstrap-server", bootstrap);
    assertThat(notAPosition.code()).isEqualTo(2);
    assertThat(notAPosition.err()).contains("garbage-1 is not a position on the invalid topic: write PARTITION:OFFSET");
    assertThat(run("invalid", "show", position("garbage-1"), "--bootstrap-server", bootstrap).out())
        .contains("3 bytes, binary").contains("00000000  13 37 ff");

    // Step 3: the limit raised, the large event republished: a dry run writes nothing, the run mails it once
    app.close();
    app = streams(settings, StreamsSettings.defaults());
    assertThat(run("invalid", "republish", "--bootstrap-server", bootstrap, "--reason", "x").err())
        .contains("no filter: name what to republish");
    long events = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.events().name());
    Run dry = run("invalid", "republish", "--bootstrap-server", bootstrap, "--error", "too-large", "--reason",
        "maxEventBytes raised to 1 MiB, INC-7", "--dry-run");
    assertThat(dry.out()).contains("Would republish 1 of 1 matching invalid event(s)").contains(LARGE);
    assertThat(OpsTestSupport.endOffsetSum(bootstrap, TOPICS.events().name())).isEqualTo(events);

    Run republish = run("invalid", "republish", "--bootstrap-server", bootstrap, "--error", "too-large", "--reason",
        "maxEventBytes raised to 1 MiB, INC-7");
    System.out.println("$ notifier invalid republish --error too-large\n" + republish.out());
    assertThat(republish.code()).as(republish.err()).isZero();
    assertThat(republish.out()).contains("republished 1 of 1 matching invalid event(s) to notifier.events")
        .contains("maxEventBytes raised to 1 MiB, INC-7").contains("skipped 0\n");
    Notification mailed = Await.forValue(DEADLINE, "the large event's notification", () -> sent().stream()
        .filter(n -> n.getEventId().equals(LARGE)).findFirst().orElse(null), n -> n != null);
    assertThat(mailed.getRecipient().getEmail()).isEqualTo("alice@example.com");
    assertThat(mailed.getTextBody()).contains(TITLE.strip());
    List<ConsumerRecord<String, byte[]>> republished = records(TOPICS.events().name()).stream()
        .filter(r -> r.headers().lastHeader(Republisher.COUNT_HEADER) != null).toList();
    assertThat(republished).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(LARGE);
      assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(large);
      assertThat(header(r, "traceparent")).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(header(r, Republisher.COUNT_HEADER)).isEqualTo("1");
      assertThat(header(r, Republisher.FROM_HEADER)).isEqualTo("notifier.events.invalid@" + largeAt);
      assertThat(r.headers().lastHeader("notifier.error.reason")).isNull();
    });
    List<JsonNode> audit = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records(TOPICS.audit().name())) {
      audit.add(JSON.readTree(r.value()));
    }
    assertThat(audit).singleElement().satisfies(a -> {
      assertThat(a.path("action").asText()).isEqualTo("invalid.republish");
      assertThat(a.path("key").asText()).isEqualTo(LARGE);
      assertThat(a.path("reason").asText()).isEqualTo("maxEventBytes raised to 1 MiB, INC-7");
      assertThat(a.path("principal").asText()).isNotBlank();
      assertThat(a.path("fromPartition").asInt() + ":" + a.path("fromOffset").asLong()).isEqualTo(largeAt);
    });
    Run again = run("invalid", "republish", "--bootstrap-server", bootstrap, "--error", "too-large", "--reason",
        "once more");
    assertThat(again.out()).contains("republished 0 of 1").contains("skipped 1: 1 already republished, 0 quarantined");
    assertThat(records(TOPICS.events().name()).stream()
        .filter(r -> r.headers().lastHeader(Republisher.COUNT_HEADER) != null)).hasSize(1);

    // Step 4: an event that is still invalid comes back with its count and is quarantined after it
    Run garbage = run("invalid", "republish", "--bootstrap-server", bootstrap, "--key", "garbage-1",
        "--max-republish", "1", "--reason", "try again");
    assertThat(garbage.out()).contains("republished 1 of 1");
    Await.until(DEADLINE, "the garbage filed invalid again", () -> invalid().stream()
        .filter(e -> e.key().equals("garbage-1")).count() == 2);
    assertThat(invalid().stream().filter(e -> e.key().equals("garbage-1")).mapToInt(InvalidEvent::republished))
        .containsExactly(0, 1);
    Run quarantined = run("invalid", "republish", "--bootstrap-server", bootstrap, "--key", "garbage-1",
        "--max-republish", "1", "--reason", "try again");
    assertThat(quarantined.out()).contains("republished 0 of 2")
        .contains("skipped 2: 1 already republished, 1 quarantined (republished 1 times already: notifier invalid show");
    Run forced = run("invalid", "republish", "--bootstrap-server", bootstrap, "--key", "garbage-1",
        "--max-republish", "1", "--force", "--reason", "one last time");
    assertThat(forced.out()).contains("republished 1 of 2");
    assertThat(sent()).as("mailed once: the large event's notification").hasSize(1);
  }

  /**
   * A streams app of the test's application id: the second, with the limit raised, is let into the group as soon as
   * the first has closed (it leaves the group as it does).
   */
  private static StreamsApp streams(KafkaSettings settings, StreamsSettings streams) throws Exception {
    StreamsApp started = new StreamsApp(settings, streams.withApplicationId("invalid-it")
        .withStateDir(Files.createTempDirectory("invalid-it").toString()), AccountRouter.single("default"));
    started.start();
    assertThat(started.awaitRunning(Duration.ofSeconds(60))).as("streams RUNNING").isTrue();
    return started;
  }

  private static String position(String key) {
    return invalid().stream().filter(e -> key.equals(e.key())).findFirst().orElseThrow().position();
  }

  private static List<InvalidEvent> invalid() {
    return records(TOPICS.invalidEvents().name()).stream().map(InvalidEvent::of).toList();
  }

  private static List<Notification> sent() {
    return records(TOPICS.send().name()).stream()
        .map(r -> TOPICS.send().valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
  }

  private static List<ConsumerRecord<String, byte[]>> records(String topic) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    new TopicReader(KafkaSettings.of(bootstrap).clientProperties(), Duration.ofSeconds(30), Clock.systemUTC())
        .read(topic, records::add);
    records.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
    return records;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static BufferedReader lines(String... lines) {
    return new BufferedReader(new StringReader(String.join("\n", lines)));
  }
}
