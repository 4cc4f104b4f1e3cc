package dev.notifier.cli.ops.ledger;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.testkit.avro.NewerRelease;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import static dev.notifier.cli.ops.OpsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DeliveryState;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.reliability.ManagedProcess;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Resources;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code notifier status} on a real broker: the real topology turns one event into notifications,
 * a real worker delivers them to a scriptable SMTP server, and the event ends with every kind of
 * outcome — SENT (alice), SKIPPED actor (carol) and no-email (erin), DEAD 550 (bob, whose mailbox is
 * gone) and RETRYING 451 (dave, whose server says try later).
 */
@Timeout(180)
class StatusCommandIntegrationTest {

  private static final String EVENT = "zt-bug-7-assign-1";
  private static final Topics TOPICS = Topics.standard();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static StreamsApp app;
  private static SenderWorker worker;
  private static ExecutorService pool;
  private static String bootstrap;

  @BeforeAll
  static void runAnEventWithMixedOutcomes() throws Exception {
    // Step 1: configure the broker, the SMTP server's refusals, the topology and a worker
    kafka = EmbeddedKafka.builder().partitions(3).start();
    bootstrap = kafka.bootstrapServers();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching("gone@example.org").reply("550 5.1.1 <gone@example.org>: Recipient "
        + "address rejected: User unknown").always();
    smtp.script().at(Stage.RCPT).matching("dave@example.com").reply("451 4.3.0 Try again later").always();
    KafkaSettings settings = KafkaSettings.of(bootstrap);
    app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("status-it")
        .withStateDir(Files.createTempDirectory("status-it").toString()), AccountRouter.single("default"));
    app.start();
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "status-it-worker", null,
        List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test")))).build());
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);

    // Step 2: produce the directory and the event
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      publisher.publish(lines(
          "{\"userId\":\"alice\",\"email\":\"alice@example.com\"}",
          "{\"userId\":\"bob\",\"email\":\"gone@example.org\"}",
          "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}",
          "{\"userId\":\"dave\",\"email\":\"dave@example.com\"}",
          "{\"userId\":\"erin\",\"email\":null}"), RecordKind.USERS, false);
      assertThat(app.awaitDirectory(5, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
      publisher.publish(lines("{\"eventId\":\"" + EVENT + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
          + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
          + "\"subject\":{\"kind\":\"bug\",\"id\":\"7\",\"title\":\"Export is slow\"},"
          + "\"to\":[{\"userId\":\"alice\"}],\"cc\":[{\"userId\":\"bob\"},{\"userId\":\"carol\"},"
          + "{\"userId\":\"dave\"},{\"userId\":\"erin\"}]}"), RecordKind.EVENTS, false);
    }
    Map<String, DeliveryState> expected = new HashMap<>();
    expected.put(id("alice@example.com"), DeliveryState.SENT);
    expected.put(id("gone@example.org"), DeliveryState.DEAD);
    expected.put(id("dave@example.com"), DeliveryState.RETRYING);
    expected.put(id("carol@example.com"), DeliveryState.SKIPPED);
    expected.put(NotificationIds.forUser(EVENT, "erin", "bug"), DeliveryState.SKIPPED);
    OpsTestSupport.awaitStates(bootstrap, TOPICS, expected, Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    Resources.closeInOrder(worker, Resources.stopping(pool), app, smtp, kafka);
  }

  @Test
  void byEventShowsEveryRecipientWithStateAndReason() throws Exception {
    // Step 3: verify what the ledger tells a person about the event
    Run table = run("status", "--bootstrap-server", bootstrap, "--event", EVENT);
    System.out.println("$ notifier status --event " + EVENT + "\n" + table.out());
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("event " + EVENT + " (bug.assigned): 5 notification(s) — DEAD 1, RETRYING 1, SENT 1, SKIPPED 2")
        .containsPattern("alice@example\\.com\\s+SENT\\s")
        .containsPattern("carol@example\\.com\\s+SKIPPED\\s+actor")
        .containsPattern("user:erin\\s+SKIPPED\\s+no-email")
        .containsPattern("gone@example\\.org\\s+DEAD\\s+mailbox-unknown\\s+1\\s.*550 5\\.1\\.1")
        .containsPattern("dave@example\\.com\\s+RETRYING\\s+\\S+\\s+\\d+\\s.*next attempt at");

    Run json = run("status", "--bootstrap-server", bootstrap, "--event", EVENT, "--json");
    Map<String, String> states = new HashMap<>();
    for (JsonNode n : JSON.readTree(json.out())) {
      states.put(n.get("recipient").asText(), n.get("state").asText() + "/" + n.get("reason").asText(""));
    }
    assertThat(states).containsEntry("alice@example.com", "SENT/")
        .containsEntry("carol@example.com", "SKIPPED/actor")
        .containsEntry("user:erin", "SKIPPED/no-email")
        .containsEntry("gone@example.org", "DEAD/mailbox-unknown")
        .hasSize(5);
    assertThat(states.get("dave@example.com")).startsWith("RETRYING/");
  }

  @Test
  void theJsonOfTheCommandInItsOwnProcessIsAllItsStandardOutputHas() throws Exception {
    // as `notifier status --event E --json | jq` runs it: its own JVM, the shipped logging config
    try (ManagedProcess status = ManagedProcess.notifierAsShipped("status-json", Path.of("target", "process-logs"),
        "status", "--bootstrap-server", bootstrap, "--event", EVENT, "--json").start()) {
      int exit = status.exitCode(Duration.ofSeconds(60));
      String stdout = status.stdout();

      assertThat(exit).as(status.currentOutput()).isZero();
      assertThat(stdout).as("logback's start-up status").doesNotContain("|-INFO", "|-WARN", "ch.qos.logback");
      // a parser that, like jq, refuses anything after the JSON value
      JsonNode parsed = JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .readValue(stdout);
      assertThat(parsed.isArray()).as(stdout).isTrue();
      assertThat(parsed).hasSize(5);
    }
  }

  @Test
  void byIdShowsTheHistoryAndTheDeadLetter() {
    Run run = run("status", "--bootstrap-server", bootstrap, "--id", id("gone@example.org"));
    System.out.println("$ notifier status --id " + id("gone@example.org") + "\n" + run.out());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("event " + EVENT + " (bug.assigned) to gone@example.org via default",
            "now: DEAD (mailbox-unknown)", "dead letters in " + TOPICS.deadLetters().name() + ":",
            "DEAD_RECIPIENT mailbox-unknown — 550 5.1.1")
        .containsPattern("QUEUED[^\\n]*\\n[^\\n]*DEAD\\s+mailbox-unknown");
  }

  @Test
  void aStatusOfANewerReleaseWithAStateThisOneDoesNotKnowIsShownAsUnknown() throws Exception {
    // a newer release's worker: a field more, a state this release does not have; its schema published first
    NewerRelease newer = new NewerRelease(DeliveryStatus.getClassSchema(), "state", "BOUNCED_LATER");
    KafkaSchemaStore.publish(kafka.producerProps(), TOPICS.schemas().name(), List.of(newer.schema()),
        Duration.ofSeconds(30));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(TOPICS.status().name(), "n-newer-1", newer.encode(Map.of(
          "notificationId", "n-newer-1", "eventId", "zt-newer-1", "eventType", "bug.assigned",
          "email", "frank@example.com", "state", "BOUNCED_LATER", "reason", "bounced-later",
          "at", System.currentTimeMillis(), "addedLater", "x")))).get();
    }

    Run run = run("status", "--bootstrap-server", bootstrap, "--id", "n-newer-1");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("event zt-newer-1 (bug.assigned) to frank@example.com", "now: UNKNOWN (bounced-later)");
  }

  @Test
  void byRecipientListsRecentNotificationsAndUnknownsSayWhatToCheck() {
    Run run = run("status", "--bootstrap-server", bootstrap, "--to", "Alice@Example.com", "--limit", "5");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("notifications to alice@example.com, newest first (1 of 1)")
        .containsPattern("SENT\\s+\\s*bug\\.assigned\\s+" + EVENT);

    Run unknown = run("status", "--bootstrap-server", bootstrap, "--event", "no-such-event");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no notification of event no-such-event");
    Run none = run("status", "--bootstrap-server", bootstrap);
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--id", "--event", "--to");
  }

  private static String id(String address) {
    return NotificationIds.forAddress(EVENT, address, "bug");
  }

  private static BufferedReader lines(String... lines) {
    return new BufferedReader(new StringReader(String.join("\n", lines)));
  }
}
