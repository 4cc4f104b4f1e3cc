package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.integrity.IntegrityKey;
import dev.notifier.schemas.integrity.IntegrityMode;
import dev.notifier.schemas.integrity.IntegritySettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsApp;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signed notifications between the real processes: the streams app signs what its topology writes to
 * notifier.send (Kafka Streams writes the signature header the signing step set), and a worker in
 * {@code require} mode sends it, while a notification produced straight to notifier.send without a
 * signature is a POLICY dead letter and never reaches the SMTP server.
 */
@Timeout(180)
class SignedEndToEndIntegrationTest {

  @Test
  void whatTheStreamsAppWritesIsSentByAWorkerThatRequiresSignaturesAndAnUnsignedRecordIsNot() throws Exception {
    // Step 1: a broker, an SMTP server, one key shared by the streams app and the worker
    Topics topics = Topics.standard();
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    Map<String, String> env = Map.of("NOTIFIER_K1", Base64.getEncoder().encodeToString(secret));
    Keyring ring = new IntegritySettings(IntegrityMode.REQUIRE, "k1", List.of(new IntegrityKey("k1", "NOTIFIER_K1",
        null))).keyring(env::get);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(1).start();
        ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start()) {
      kafka.createTopics(TopicLayout.of(1).newTopics(topics));
      KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
      StreamsSettings streams = StreamsSettings.defaults().withApplicationId("signed-e2e")
          .withStateDir(Files.createTempDirectory("signed-e2e-state").toString());
      AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test");
      try (StreamsApp app = new StreamsApp(settings, streams, AccountRouter.single("default"),
          new SimpleMeterRegistry(), ring)) {
        app.start();
        SenderWorker worker = new SenderWorker(WorkerContext.builder(settings,
            new WorkerSettings(null, "signed-e2e-worker", null, List.of(account))).integrity(ring).build());
        pool.submit(worker);
        try {
          // Step 2: a directory and an event through the topology; one record straight to the send topic
          try (Publisher publisher = new Publisher(settings.clientProperties(), topics)) {
            publisher.publish(lines(
                "{\"userId\":\"alice\",\"email\":\"alice@example.com\"}",
                "{\"userId\":\"carol\",\"email\":\"carol@example.com\"}"), RecordKind.USERS, false);
            assertThat(app.awaitDirectory(2, 0, Duration.ofSeconds(60))).as("directory loaded").isTrue();
            publisher.publish(lines("{\"eventId\":\"signed-1\",\"type\":\"bug.assigned\",\"source\":\"zentao\","
                + "\"team\":\"qa\",\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"carol\"},"
                + "\"subject\":{\"kind\":\"bug\",\"id\":\"42\",\"title\":\"Login fails\"},"
                + "\"to\":[{\"userId\":\"alice\"}]}"), RecordKind.EVENTS, false);
          }
          Notification forged = Notification.newBuilder().setPriority(Priority.NORMAL)
              .setNotificationId(NotificationIds.forAddress("forged-1", "victim@example.com", "bug"))
              .setEventId("forged-1").setEventType("bug.assigned").setSource("zentao").setTemplate("bug")
              .setAccount("default")
              .setRecipient(Recipient.newBuilder().setEmail("victim@example.com").setUserId("victim").build())
              .setSubject("Reset your password").setTextBody("click here").setCreatedAt(Instant.now()).build();
          try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(settings.clientProperties(),
              Serdes.String().serializer(), Topics.notificationSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.send().name(), forged.getNotificationId(), forged))
                .get(30, TimeUnit.SECONDS);
          }

          // Step 3: alice's mail is SENT, the forged one DEAD, and only alice's reached the SMTP server
          String aliceId = NotificationIds.forAddress("signed-1", "alice@example.com", "bug");
          OpsTestSupport.awaitStates(settings.bootstrapServers(), topics, Map.of(aliceId, DeliveryState.SENT,
              forged.getNotificationId(), DeliveryState.DEAD), Duration.ofSeconds(90));
          List<ReceivedMessage> received = smtp.awaitMessages(1, Duration.ofSeconds(30));
          assertThat(received).singleElement()
              .satisfies(m -> assertThat(m.recipients()).containsExactly("alice@example.com"));
        } finally {
          worker.close();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static BufferedReader lines(String... lines) {
    return new BufferedReader(new StringReader(String.join("\n", lines)));
  }
}
