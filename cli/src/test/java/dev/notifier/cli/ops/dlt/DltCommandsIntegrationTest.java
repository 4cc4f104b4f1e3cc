package dev.notifier.cli.ops.dlt;

import static dev.notifier.cli.ops.OpsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.Stage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notifier dlt} on a real broker, over a dead-letter topic seeded by a real sender worker
 * that a scriptable SMTP server refuses: three unknown mailboxes at example.org and one at
 * example.com ({@code 550 5.1.1} at RCPT), one message refused as spam ({@code 554 5.7.1} after
 * DATA), one delivered. The replay runs last: it changes the ledger.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class DltCommandsIntegrationTest {

  private static final Topics TOPICS = Topics.standard();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> GONE_ORG = List.of("gone1@example.org", "gone2@example.org", "gone3@example.org");

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static SenderWorker worker;
  private static ExecutorService pool;
  private static String bootstrap;

  @BeforeAll
  static void seedDeadLetters() {
    // Step 1: configure a broker with the product's topics, an SMTP server that refuses some mail, a worker
    kafka = EmbeddedKafka.builder().partitions(3).start();
    bootstrap = kafka.bootstrapServers();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching("gone").reply("550 5.1.1 Recipient address rejected: User unknown").always();
    smtp.script().at(Stage.DATA_END).matching("BUY-NOW").reply("554 5.7.1 Message rejected as spam").always();
    List<AccountSettings> accounts = List.of(
        AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test"),
        AccountSettings.local("qa", smtp.host(), smtp.port(), "qa@notifier.test"));
    KafkaSettings settings = KafkaSettings.of(bootstrap);
    worker = new SenderWorker(
        WorkerContext.builder(settings, new WorkerSettings(null, "dlt-it-worker", null, accounts)).build());
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);

    // Step 2: produce notifications as the topology would
    List<Notification> all = List.of(
        notification("ev-1", "bug.assigned", "default", "gone1@example.org", "Bug 1"),
        notification("ev-1", "bug.assigned", "default", "gone2@example.org", "Bug 1"),
        notification("ev-2", "story.changed", "qa", "gone3@example.org", "Story 2"),
        notification("ev-2", "story.changed", "qa", "gone4@example.com", "Story 2"),
        notification("ev-3", "bug.assigned", "default", "spam1@example.org", "BUY-NOW cheap"),
        notification("ev-3", "bug.assigned", "default", "ok1@example.net", "Bug 3"));
    Properties props = settings.clientProperties();
    try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(props, Serdes.String().serializer(),
        Topics.notificationSerde().serializer())) {
      all.forEach(n -> producer.send(new ProducerRecord<>(TOPICS.send().name(), n.getNotificationId(), n)));
    }
    Map<String, DeliveryState> expected = new LinkedHashMap<>();
    all.forEach(n -> expected.put(n.getNotificationId(), n.getRecipient().getEmail().startsWith("ok")
        ? DeliveryState.SENT : DeliveryState.DEAD));
    OpsTestSupport.awaitStates(bootstrap, TOPICS, expected, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    Resources.closeInOrder(worker, Resources.stopping(pool), smtp, kafka);
  }

  @Test
  @Order(1)
  void statsCountDeadLettersByClassCodeAndDomain() throws Exception {
    // Step 3: verify the counts, as JSON and as a table
    Run json = run("dlt", "stats", "--bootstrap-server", bootstrap, "--by", "class,code,domain", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode stats = JSON.readTree(json.out());
    assertThat(stats.get("total").asInt()).isEqualTo(5);
    Map<String, Integer> counts = new LinkedHashMap<>();
    stats.get("groups").forEach(g -> counts.put(g.get("class").asText() + "/" + g.get("code").asText() + "/"
        + g.get("domain").asText(), g.get("count").asInt()));
    assertThat(counts).containsExactly(
        Map.entry("DEAD_RECIPIENT/550/example.org", 3),
        Map.entry("DEAD_RECIPIENT/550/example.com", 1),
        Map.entry("PERMANENT/554/example.org", 1));

    Run table = run("dlt", "stats", "--bootstrap-server", bootstrap, "--by", "account,enhanced-code,event-type");
    System.out.println("$ notifier dlt stats --by account,enhanced-code,event-type\n" + table.out());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).containsPattern("account\\s+enhanced-code\\s+event-type\\s+count")
        .containsPattern("default\\s+5\\.1\\.1\\s+bug\\.assigned\\s+2")
        .containsPattern("qa\\s+5\\.1\\.1\\s+story\\.changed\\s+2")
        .containsPattern("default\\s+5\\.7\\.1\\s+bug\\.assigned\\s+1")
        .contains("total 5 dead letter(s)");

    Run hour = run("dlt", "stats", "--bootstrap-server", bootstrap, "--by", "hour", "--class", "permanent", "--json");
    assertThat(JSON.readTree(hour.out()).get("total").asInt()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void listFiltersAndWritesTableJsonLinesAndCsv() throws Exception {
    Run table = run("dlt", "list", "--bootstrap-server", bootstrap, "--domain", "example.org");
    System.out.println("$ notifier dlt list --domain example.org\n" + table.out());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out()).contains("gone1@example.org", "gone2@example.org", "gone3@example.org",
        "spam1@example.org", "4 dead letter(s)").doesNotContain("gone4@example.com", "ok1@example.net");

    Run jsonl = run("dlt", "list", "--bootstrap-server", bootstrap, "--format", "jsonl", "--class", "DEAD_RECIPIENT",
        "--since", "1h");
    assertThat(jsonl.code()).as(jsonl.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : jsonl.out().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(4).allSatisfy(n -> {
      assertThat(n.get("class").asText()).isEqualTo("DEAD_RECIPIENT");
      assertThat(n.get("code").asText()).isEqualTo("550");
      assertThat(n.get("enhancedCode").asText()).isEqualTo("5.1.1");
      assertThat(n.get("replyText").asText()).contains("User unknown");
      assertThat(n.get("headers").get("notifier.original.topic").asText()).isEqualTo(TOPICS.send().name());
    });

    Run future = run("dlt", "list", "--bootstrap-server", bootstrap, "--since", Instant.now().plusSeconds(3600)
        .toString(), "--format", "jsonl");
    assertThat(future.out()).isEmpty();
    Run byEvent = run("dlt", "list", "--bootstrap-server", bootstrap, "--event-type", "story.changed",
        "--account", "qa", "--format", "jsonl");
    assertThat(byEvent.out().lines()).hasSize(2);
  }

  @Test
  @Order(3)
  void exportWritesCsvThatParsesBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dead.csv");
    Path config = dir.resolve("notifier.yaml");
    Files.writeString(config, "kafka:\n  bootstrapServers: " + bootstrap + "\n"
        + "accounts:\n  - id: default\n    host: localhost\n    port: 587\n    from: noreply@example.com\n"
        + "    systemDefault: true\n");
    Run export = run("dlt", "export", "--config", config.toString(), "--code", "5.7.1,550", "--format", "csv",
        "--output", file.toString());
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(export.out()).contains("exported 5 dead letter(s) to " + file);

    List<List<String>> rows = parseCsv(Files.readString(file, StandardCharsets.UTF_8));
    List<String> header = rows.get(0);
    assertThat(header).startsWith("failedAt", "firstFailedAt", "dlt", "notificationId", "account", "class");
    assertThat(rows).hasSize(6);
    int recipient = header.indexOf("recipient");
    int reply = header.indexOf("replyText");
    Map<String, String> replies = rows.subList(1, rows.size()).stream()
        .collect(Collectors.toMap(r -> r.get(recipient), r -> r.get(reply)));
    assertThat(replies).containsOnlyKeys("gone1@example.org", "gone2@example.org", "gone3@example.org",
        "gone4@example.com", "spam1@example.org");
    assertThat(replies.get("spam1@example.org")).contains("rejected as spam");
  }

  @Test
  @Order(4)
  void badValuesAreNamedWithTheFix() {
    Run by = run("dlt", "stats", "--bootstrap-server", bootstrap, "--by", "colour");
    assertThat(by.code()).isEqualTo(2);
    assertThat(by.err()).contains("--by 'colour'", "account, class");
    Run since = run("dlt", "list", "--bootstrap-server", bootstrap, "--since", "yesterday");
    assertThat(since.code()).isEqualTo(2);
    assertThat(since.err()).contains("--since 'yesterday'", "2h");
    Run everything = run("dlt", "replay", "--bootstrap-server", bootstrap, "--reason", "oops");
    assertThat(everything.code()).isEqualTo(2);
    assertThat(everything.err()).contains("add a filter", "--all");
    // the last hour's dead letters are every dead letter of an outage: a time range alone is no filter for a replay
    Run lastHour = run("dlt", "replay", "--bootstrap-server", bootstrap, "--reason", "oops", "--since", "1h");
    assertThat(lastHour.code()).isEqualTo(2);
    assertThat(lastHour.err()).contains("a time range alone is not a filter for a replay", "--all");
    Run flood = run("dlt", "replay", "--bootstrap-server", bootstrap, "--reason", "oops", "--all", "--rate", "5000");
    assertThat(flood.code()).isEqualTo(2);
    assertThat(flood.err()).contains("--rate 5000.0", "at most 200");
    Run noTopic = run("dlt", "list", "--bootstrap-server", bootstrap, "--timeout", "5s", "--config",
        "/nonexistent.yaml");
    assertThat(noTopic.code()).isEqualTo(2);
    assertThat(noTopic.err()).contains("/nonexistent.yaml");
  }

  @Test
  @Order(5)
  void replayDeliversExactlyTheFilteredOnesOnceAndNeverTwice() throws Exception {
    String[] replay = {"dlt", "replay", "--bootstrap-server", bootstrap, "--class", "DEAD_RECIPIENT", "--domain",
        "example.org", "--reason", "test"};
    long sendBefore = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name());
    long statusBefore = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.status().name());

    // a dry run shows the three and writes nothing
    Run dry = run(concat(replay, "--dry-run"));
    System.out.println("$ notifier dlt replay --class DEAD_RECIPIENT --domain example.org --reason test --dry-run\n"
        + dry.out());
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("Would replay 3 of 3", "gone1@example.org", "gone2@example.org",
        "gone3@example.org", "would skip 0").doesNotContain("spam1", "gone4");
    assertThat(OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name())).isEqualTo(sendBefore);
    assertThat(OpsTestSupport.endOffsetSum(bootstrap, TOPICS.status().name())).isEqualTo(statusBefore);

    // the mailboxes are back; one of the three is replayed (and delivered) first, on its own
    smtp.clearScript();
    smtp.clear();
    String gone1 = id("ev-1", "gone1@example.org");
    Run first = run("dlt", "replay", "--bootstrap-server", bootstrap, "--id", gone1, "--reason", "seed");
    assertThat(first.out()).contains("replayed 1 of 1");
    OpsTestSupport.awaitStates(bootstrap, TOPICS, Map.of(gone1, DeliveryState.SENT), Duration.ofSeconds(60));

    // the filtered replay delivers the other two and skips the one already SENT
    Run second = run(replay);
    System.out.println("$ notifier dlt replay --class DEAD_RECIPIENT --domain example.org --reason test\n"
        + second.out());
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).contains("replayed 2 of 3", "skipped 1: already-sent=1");
    Map<String, DeliveryState> sent = Map.of(gone1, DeliveryState.SENT, id("ev-1", "gone2@example.org"),
        DeliveryState.SENT, id("ev-2", "gone3@example.org"), DeliveryState.SENT);
    OpsTestSupport.awaitStates(bootstrap, TOPICS, sent, Duration.ofSeconds(60));
    List<ReceivedMessage> received = smtp.messages();
    assertThat(received.stream().map(m -> String.join(",", m.recipients())))
        .containsExactlyInAnyOrderElementsOf(GONE_ORG);
    assertThat(received).allSatisfy(m -> assertThat(m.messageId()).hasValueSatisfying(mid ->
        assertThat(sent).containsKey(mid.substring(1, mid.indexOf('@')))));

    // the same replay again writes nothing: all three are SENT
    long sendAfter = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name());
    Run third = run(replay);
    assertThat(third.out()).contains("replayed 0 of 3", "skipped 3: already-sent=3");
    assertThat(OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name())).isEqualTo(sendAfter);
    assertThat(smtp.messages()).hasSize(3);

    // the replayed record carries its provenance and no retry headers; the ledger says who replayed it
    Run status = run("status", "--bootstrap-server", bootstrap, "--id", id("ev-1", "gone2@example.org"));
    assertThat(status.out()).containsPattern("QUEUED\\s+replayed")
        .contains("replayed from " + TOPICS.deadLetters().name(),
            "by User:ANONYMOUS (OS user " + System.getProperty("user.name") + "): test")
        .containsPattern("DEAD\\s+mailbox-unknown");
    // and the audit topic has one record per replayed notification, written with it
    List<JsonNode> audit = audit();
    assertThat(audit).hasSize(3).allSatisfy(a -> {
      assertThat(a.path("action").asText()).isEqualTo("dlt.replay");
      assertThat(a.path("principal").asText()).isEqualTo("User:ANONYMOUS");
      assertThat(a.path("osUser").asText()).isEqualTo(System.getProperty("user.name"));
      assertThat(a.path("replayCount").asInt()).isEqualTo(1);
    });
    assertThat(audit).extracting(a -> a.path("reason").asText()).containsExactlyInAnyOrder("seed", "test", "test");
  }

  @Test
  @Order(6)
  void aNotificationThatKeepsFailingIsQuarantinedAfterItsReplaysUnlessForced() throws Exception {
    // the spam refusal is back: every replay of spam1 fails again
    smtp.script().at(Stage.DATA_END).matching("BUY-NOW").reply("554 5.7.1 Message rejected as spam").always();
    String spam1 = id("ev-3", "spam1@example.org");
    String[] replay = {"dlt", "replay", "--bootstrap-server", bootstrap, "--id", spam1, "--reason", "loop?",
        "--max-replays", "2"};
    for (int round = 1; round <= 2; round++) {
      long letters = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.deadLetters().name());
      Run again = run(replay);
      assertThat(again.out()).as(again.err()).contains("replayed 1 of ");
      Await.until(Duration.ofSeconds(60), "spam1 dead-lettered again",
          () -> OpsTestSupport.endOffsetSum(bootstrap, TOPICS.deadLetters().name()) > letters);
      OpsTestSupport.awaitStates(bootstrap, TOPICS, Map.of(spam1, DeliveryState.DEAD), Duration.ofSeconds(60));
    }

    long sends = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name());
    Run third = run(replay);
    System.out.println("$ notifier dlt replay --id <spam1> --reason 'loop?' --max-replays 2   (a third time)\n"
        + third.out());
    assertThat(third.code()).isZero();
    assertThat(third.out()).contains("replayed 0 of ", "quarantined=1", "already replayed 2 times", "--force");
    assertThat(OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name())).isEqualTo(sends);

    Run forced = run(concat(replay, "--force"));
    assertThat(forced.out()).contains("replayed 1 of ");
    JsonNode last = audit().stream().filter(a -> a.path("notificationId").asText().equals(spam1))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(last.path("replayCount").asInt()).isEqualTo(3);
    assertThat(last.path("forced").asBoolean()).isTrue();
  }

  /** The audit topic's records, in order. */
  private static List<JsonNode> audit() throws Exception {
    List<JsonNode> records = new ArrayList<>();
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", "read_committed");
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(props, Serdes.String().deserializer(),
            Serdes.String().deserializer())) {
      List<org.apache.kafka.common.TopicPartition> tps = consumer.partitionsFor(TOPICS.audit().name()).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(tps);
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
          && java.time.Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          try {
            records.add(JSON.readTree(r.value()));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      }
    }
    records.sort(java.util.Comparator.comparing(a -> a.path("at").asText()));
    return records;
  }

  private static String[] concat(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static String id(String eventId, String address) {
    return NotificationIds.forAddress(eventId, address, "bug");
  }

  private static Notification notification(String eventId, String type, String account, String address,
      String subject) {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId(id(eventId, address))
        .setEventId(eventId)
        .setEventType(type)
        .setSource("zentao")
        .setTemplate("bug")
        .setAccount(account)
        .setRecipient(Recipient.newBuilder().setEmail(address).setUserId(address.substring(0, address.indexOf('@')))
            .build())
        .setSubject(subject)
        .setTextBody("Hello, " + subject)
        .setCreatedAt(Instant.now())
        .build();
  }

  /** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else if (c != '\r') {
        field.append(c);
      }
    }
    return rows;
  }
}
