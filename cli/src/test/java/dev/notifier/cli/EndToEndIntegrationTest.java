package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
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
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One event's whole journey on a real broker and a real SMTP server: events topic → topology →
 * send topic → worker → SMTP, with the ledger saying SENT for each notification and SKIPPED for
 * the actor and the user without an address.
 */
class EndToEndIntegrationTest {

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private final Topics topics = Topics.standard();

  @BeforeAll
  static void startInfrastructure() {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    smtp = ScriptableSmtpServer.builder().build().start();
  }

  @AfterAll
  static void stopInfrastructure() {
    smtp.close();
    kafka.close();
  }

  @Test
  void anEventBecomesExactlyTheExpectedEmails() throws Exception {
    // Step 1: configure topics, the topology and one worker
    kafka.createTopics(TopicLayout.of(3).newTopics(topics));
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    StreamsSettings streams = StreamsSettings.defaults().withApplicationId("e2e")
        .withStateDir(Files.createTempDirectory("e2e-state").toString());
    AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (StreamsApp app = new StreamsApp(settings, streams, AccountRouter.single("default"))) {
      app.start();
      SenderWorker worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "e2e-worker", null,
          List.of(account))).build());
      pool.submit(worker);

      // Step 2: produce a directory and two events (the second one a producer retry of the first)
      try (Publisher publisher = new Publisher(settings.clientProperties(), topics)) {
        publisher.publish(lines(
            "{\"userId\":\"alice\",\"email\":\"alice@example.com\",\"displayName\":\"Alice\"}",
            "{\"userId\":\"bob\",\"email\":\"bob@example.com\",\"displayName\":\"Bob\"}",
            "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}",
            "{\"userId\":\"erin\",\"email\":null}",
            "{\"userId\":\"li\",\"email\":\"li@example.com\",\"displayName\":\"李雷\",\"locale\":\"zh-CN\","
                + "\"timeZone\":\"Asia/Shanghai\"}"), RecordKind.USERS, false);
      assertThat(app.awaitDirectory(5, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
        String event = "{\"eventId\":\"zt-bug-42-assign-1\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
            + "\"team\":\"qa\",\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
            + "\"subject\":{\"kind\":\"bug\",\"id\":\"42\",\"title\":\"Login fails on Safari\"},"
            + "\"to\":[{\"userId\":\"alice\"}],\"cc\":[{\"userId\":\"bob\"},{\"userId\":\"carol\"},"
            + "{\"userId\":\"erin\"},{\"userId\":\"alice\"},{\"userId\":\"li\"}]}";
        publisher.publish(lines(event, event), RecordKind.EVENTS, false);
      }

      // Step 3: verify what the SMTP server received and what the ledger says
      List<ReceivedMessage> received = smtp.awaitMessages(3, Duration.ofSeconds(60));
      Map<String, DeliveryStatus> ledger = awaitLedger(settings, 5);
      worker.close();

      String aliceId = NotificationIds.forAddress("zt-bug-42-assign-1", "alice@example.com", "bug");
      String bobId = NotificationIds.forAddress("zt-bug-42-assign-1", "bob@example.com", "bug");
      assertThat(received).hasSize(3);
      Map<String, ReceivedMessage> byRecipient = received.stream()
          .collect(Collectors.toMap(m -> String.join(",", m.recipients()), m -> m));
      assertThat(byRecipient).containsOnlyKeys("alice@example.com", "bob@example.com", "li@example.com");
      ReceivedMessage alice = byRecipient.get("alice@example.com");
      assertThat(alice.mailFrom()).isEqualTo("noreply@notifier.test");
      assertThat(alice.subject()).hasValue("[ZenTao] Bug #42 Login fails on Safari — assigned to you by carol");
      // a Chinese subject survives SMTP: RFC 2047 encoded on the wire, the same text once decoded
      ReceivedMessage li = byRecipient.get("li@example.com");
      assertThat(li.header("Subject")).hasValueSatisfying(raw -> assertThat(raw).startsWith("=?UTF-8?"));
      assertThat(li.subject()).hasValueSatisfying(subject ->
          assertThat(subject).startsWith("[禅道] Bug #42 Login fails on Safari — carol "));
      assertThat(li.header("To")).hasValueSatisfying(to -> assertThat(to).contains("=?UTF-8?"));
      assertThat(textOf(li)).contains("李雷");
      assertThat(alice.messageId()).hasValue("<" + aliceId + "@notifier.test>");
      assertThat(byRecipient.get("bob@example.com").messageId()).hasValue("<" + bobId + "@notifier.test>");

      assertThat(ledger.get(aliceId).getState()).isEqualTo(DeliveryState.SENT);
      assertThat(ledger.get(bobId).getState()).isEqualTo(DeliveryState.SENT);
      DeliveryStatus carol = ledger.get(NotificationIds.forAddress("zt-bug-42-assign-1", "carol@example.com",
          "bug"));
      assertThat(carol.getState()).isEqualTo(DeliveryState.SKIPPED);
      assertThat(carol.getReason()).isEqualTo("actor");
      DeliveryStatus erin = ledger.get(NotificationIds.forUser("zt-bug-42-assign-1", "erin", "bug"));
      assertThat(erin.getReason()).isEqualTo("no-email");
      assertThat(ledger).hasSize(5);
      assertThat(smtp.messages()).as("no second email for the producer retry").hasSize(3);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The decoded plain-text part of a received message. */
  private static String textOf(ReceivedMessage message) throws Exception {
    MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(message.data()));
    Object content = mime.getContent();
    if (content instanceof MimeMultipart multipart) {
      return (String) multipart.getBodyPart(0).getContent();
    }
    return (String) content;
  }

  private static BufferedReader lines(String... lines) {
    return new BufferedReader(new StringReader(String.join("\n", lines)));
  }

  /** Reads the status topic until {@code expected} notifications have settled (fails after 60 s). */
  private Map<String, DeliveryStatus> awaitLedger(KafkaSettings settings, int expected) {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-ledger");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, DeliveryStatus> ledger = new HashMap<>();
    try (KafkaConsumer<String, DeliveryStatus> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
        topics.status().valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.status().name()));
      Await.until(Duration.ofSeconds(60), expected + " notifications settled in the ledger", () -> {
        merge(ledger, consumer.poll(Duration.ofMillis(200)));
        return settled(ledger) >= expected;
      });
      // one more poll: anything beyond the expected outcomes (a duplicate, a stray status) shows up here
      merge(ledger, consumer.poll(Duration.ofSeconds(1)));
    }
    return ledger;
  }

  /** The latest status of each notification, except that QUEUED never replaces an outcome. */
  private static void merge(Map<String, DeliveryStatus> ledger, ConsumerRecords<String, DeliveryStatus> records) {
    records.forEach(r -> ledger.merge(r.key(), r.value(),
        (old, now) -> now.getState() == DeliveryState.QUEUED ? old : now));
  }

  private static long settled(Map<String, DeliveryStatus> ledger) {
    return ledger.values().stream().filter(s -> s.getState() != DeliveryState.QUEUED).count();
  }
}
