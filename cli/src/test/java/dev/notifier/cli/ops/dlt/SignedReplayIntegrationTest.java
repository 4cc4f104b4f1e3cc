package dev.notifier.cli.ops.dlt;

import static dev.notifier.cli.ops.OpsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

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
import dev.notifier.schemas.integrity.IntegrityKey;
import dev.notifier.schemas.integrity.IntegrityMode;
import dev.notifier.schemas.integrity.IntegritySettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code notifier dlt replay} with the deployment's {@code integrity} section, on a real broker, a worker in
 * {@code require} mode and an SMTP server: an unsigned notification is refused (a POLICY dead letter, never sent);
 * a replay run where the key is not available stops before it writes anything, saying why; a replay with the key
 * signs what it writes, and the worker delivers it.
 */
@Timeout(180)
class SignedReplayIntegrationTest {

  private static final Topics TOPICS = Topics.standard();

  @TempDir
  Path dir;

  @Test
  void aReplayWithTheKeyIsSignedAndDeliveredAndOneWithoutItRefusesAtStart() throws Exception {
    // Step 1: broker, SMTP server, the key in a file, a worker requiring signatures by it
    Path keyFile = dir.resolve("k1.key");
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(secret) + "\n");
    IntegritySettings integrity = new IntegritySettings(IntegrityMode.REQUIRE, "k1",
        List.of(new IntegrityKey("k1", null, keyFile.toString())));
    Keyring ring = integrity.keyring(name -> null);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(1).start();
        ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start()) {
      String bootstrap = kafka.bootstrapServers();
      kafka.createTopics(TopicLayout.of(1).newTopics(TOPICS));
      SenderWorker worker = new SenderWorker(WorkerContext.builder(KafkaSettings.of(bootstrap),
          new WorkerSettings(null, "signed-replay-worker", null,
              List.of(AccountSettings.local("default", smtp.host(), smtp.port(), "noreply@notifier.test"))))
          .integrity(ring).build());
      pool.submit(worker);
      try {
        // Step 2: a notification written without a signature is a POLICY dead letter
        Notification n = notification("ev-signed-replay", "dana@example.com");
        try (KafkaProducer<String, Notification> producer = new KafkaProducer<>(KafkaSettings.of(bootstrap)
            .clientProperties(), Serdes.String().serializer(), Topics.notificationSerde().serializer())) {
          producer.send(new ProducerRecord<>(TOPICS.send().name(), n.getNotificationId(), n))
              .get(30, TimeUnit.SECONDS);
        }
        OpsTestSupport.awaitStates(bootstrap, TOPICS, Map.of(n.getNotificationId(), DeliveryState.DEAD),
            Duration.ofSeconds(60));
        assertThat(smtp.messages()).isEmpty();

        // Step 3: without the key (its file not readable here), the replay refuses before writing anything
        Path noKey = OpsTestSupport.configFile(bootstrap, "", integrityYaml(dir.resolve("absent.key")));
        long sendBefore = OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name());
        Run refused = run("dlt", "replay", "--config", noKey.toString(), "--class", "POLICY", "--reason", "no key");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("notifier dlt replay cannot sign what it writes", "absent.key",
            "POLICY dead letter");
        assertThat(OpsTestSupport.endOffsetSum(bootstrap, TOPICS.send().name())).isEqualTo(sendBefore);

        // Step 4: with the key, the replayed record is signed, and the worker sends it
        Path withKey = OpsTestSupport.configFile(bootstrap, "", integrityYaml(keyFile));
        Run replay = run("dlt", "replay", "--config", withKey.toString(), "--class", "POLICY", "--reason",
            "signed now");
        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed 1 of 1");
        OpsTestSupport.awaitStates(bootstrap, TOPICS, Map.of(n.getNotificationId(), DeliveryState.SENT),
            Duration.ofSeconds(60));
        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(30))).hasSize(1);
        List<ConsumerRecord<String, byte[]>> sent = readSendTopic(bootstrap);
        assertThat(sent).hasSize(2);
        assertThat(ring.check(sent.get(0).headers(), key(sent.get(0)), sent.get(0).value()).kind())
            .isEqualTo(Keyring.Kind.UNSIGNED);
        assertThat(ring.check(sent.get(1).headers(), key(sent.get(1)), sent.get(1).value()).valid()).isTrue();
      } finally {
        worker.close();
        pool.shutdownNow();
      }
    }
  }

  private static String[] integrityYaml(Path keyFile) {
    return new String[] {"integrity:", "  mode: require", "  signWith: k1", "  keys:",
        "    - {id: k1, secretFile: \"" + keyFile + "\"}"};
  }

  private static byte[] key(ConsumerRecord<String, byte[]> record) {
    return record.key().getBytes(StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<String, byte[]>> readSendTopic(String bootstrap) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      org.apache.kafka.common.TopicPartition p = new org.apache.kafka.common.TopicPartition(TOPICS.send().name(), 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      long end = consumer.endOffsets(List.of(p)).get(p);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(p) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  private static Notification notification(String eventId, String address) {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId(NotificationIds.forAddress(eventId, address, "bug"))
        .setEventId(eventId)
        .setEventType("bug.assigned")
        .setSource("zentao")
        .setTemplate("bug")
        .setAccount("default")
        .setRecipient(Recipient.newBuilder().setEmail(address).setUserId("dana").build())
        .setSubject("Bug 1")
        .setTextBody("Hello")
        .setCreatedAt(Instant.now())
        .build();
  }
}
