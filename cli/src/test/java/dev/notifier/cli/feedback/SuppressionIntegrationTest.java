package dev.notifier.cli.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import dev.notifier.cli.ops.OpsTestSupport;
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
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.smtp.Transcript;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the loop on a real broker and a real SMTP server: a 550 5.1.1 at RCPT becomes a hard
 * bounce on {@code notifier.feedback}, the streams app's learn stage suppresses the address, and the
 * next event for it is SKIPPED {@code suppressed} by the topology — its RCPT never reaches the SMTP
 * server again — while the other recipient of the same event gets her mail.
 */
@Timeout(240)
class SuppressionIntegrationTest {

  private static final Topics TOPICS = Topics.standard();
  private static final String GONE = "gone@example.org";

  private static EmbeddedKafka kafka;
  private static ScriptableSmtpServer smtp;
  private static StreamsApp app;
  private static SenderWorker worker;
  private static ExecutorService pool;
  private static KafkaSettings settings;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    kafka.createTopics(TopicLayout.of(3).newTopics(TOPICS));
    smtp = ScriptableSmtpServer.builder().build().start();
    smtp.script().at(Stage.RCPT).matching(GONE).reply("550 5.1.1 <" + GONE + ">: Recipient address rejected: "
        + "User unknown in virtual mailbox table").always();
    settings = KafkaSettings.of(kafka.bootstrapServers());
    app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId("suppression-it")
        .withStateDir(Files.createTempDirectory("suppression-it").toString()), AccountRouter.single("default"));
    app.start();
    worker = new SenderWorker(WorkerContext.builder(settings, new WorkerSettings(null, "suppression-it-worker", null,
        List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test")))).build());
    pool = Executors.newSingleThreadExecutor();
    pool.submit(worker);
  }

  @AfterAll
  static void stop() {
    if (worker != null) {
      worker.close();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    if (app != null) {
      app.close();
    }
    if (smtp != null) {
      smtp.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aRejectionAtRcptSuppressesTheAddressAndTheNextEventNeverReachesSmtp() throws Exception {
    // Step 1: the directory, and an event for alice and bob (whose mailbox is gone)
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      publisher.publish(lines("{\"userId\":\"alice\",\"email\":\"alice@example.com\"}",
          "{\"userId\":\"bob\",\"email\":\"Gone@Example.org\"}",
          "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}"), RecordKind.USERS, false);
      assertThat(app.awaitDirectory(3, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
      publisher.publish(lines(event("zt-bug-9-assign-1")), RecordKind.EVENTS, false);
    }
    OpsTestSupport.awaitStates(kafka.bootstrapServers(), TOPICS, Map.of(
        id("zt-bug-9-assign-1", "alice@example.com"), DeliveryState.SENT,
        id("zt-bug-9-assign-1", "Gone@Example.org"), DeliveryState.DEAD), Duration.ofSeconds(90));

    // Step 2: the bounce became a suppression
    Suppression s = awaitSuppression(GONE);
    assertThat(s.getReason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
    assertThat(s.getSource()).isEqualTo("smtp:default");
    assertThat(s.getDetail()).startsWith("hard-bounce 550 5.1.1: <" + GONE + ">: Recipient address rejected");
    assertThat(s.getNotificationId()).isEqualTo(id("zt-bug-9-assign-1", "Gone@Example.org"));
    assertThat(s.getExpiresAt()).isNull();
    assertThat(rcptsTo(GONE)).isEqualTo(1);

    // Step 3: the next event for both: alice gets it, bob is suppressed and never reaches SMTP
    try (Publisher publisher = new Publisher(settings.clientProperties(), TOPICS)) {
      publisher.publish(lines(event("zt-bug-9-assign-2")), RecordKind.EVENTS, false);
    }
    Map<String, DeliveryStatus> ledger = OpsTestSupport.awaitStates(kafka.bootstrapServers(), TOPICS, Map.of(
        id("zt-bug-9-assign-2", "alice@example.com"), DeliveryState.SENT,
        id("zt-bug-9-assign-2", "Gone@Example.org"), DeliveryState.SKIPPED), Duration.ofSeconds(90));
    DeliveryStatus skipped = ledger.get(id("zt-bug-9-assign-2", "Gone@Example.org"));
    assertThat(skipped.getReason()).isEqualTo("suppressed");
    assertThat(skipped.getDetail()).contains(GONE, "hard-bounce", "notifier suppressions remove");
    assertThat(smtp.awaitMessages(2, Duration.ofSeconds(30))).allSatisfy(m ->
        assertThat(m.recipients()).containsExactly("alice@example.com"));
    assertThat(rcptsTo(GONE)).as("no RCPT for a suppressed address").isEqualTo(1);
  }

  private static long rcptsTo(String address) {
    return smtp.transcripts().stream().map(Transcript::lines).flatMap(List::stream)
        .filter(l -> l.toUpperCase(java.util.Locale.ROOT).startsWith("C: RCPT TO:") || l.startsWith("RCPT TO:"))
        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains(address)).count();
  }

  private static Suppression awaitSuppression(String address) {
    Properties props = settings.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "suppression-it-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Suppression> latest = new HashMap<>();
    try (KafkaConsumer<String, Suppression> consumer = new KafkaConsumer<>(props, Serdes.String().deserializer(),
        TOPICS.suppressions().valueSerde().deserializer())) {
      consumer.subscribe(List.of(TOPICS.suppressions().name()));
      Await.until(Duration.ofSeconds(60), "a suppression of " + address, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
        return latest.get(address) != null;
      });
    }
    return latest.get(address);
  }

  private static String id(String eventId, String address) {
    return NotificationIds.forAddress(eventId, address, "bug");
  }

  private static String event(String eventId) {
    return "{\"eventId\":\"" + eventId + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
        + "\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"9\",\"title\":\"Export is slow\"},"
        + "\"to\":[{\"userId\":\"alice\"}],\"cc\":[{\"userId\":\"bob\"}]}";
  }

  private static BufferedReader lines(String... lines) {
    return new BufferedReader(new StringReader(String.join("\n", lines)));
  }
}
