package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.integrity.IntegrityKey;
import dev.notifier.schemas.integrity.IntegrityMode;
import dev.notifier.schemas.integrity.IntegritySettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Signed notifications (issue 17, point 2) through a real worker, broker and SMTP server, the worker in
 * {@code integrity.mode: require} with keys k2 (signs) and k1 (the previous key, still in the ring): a record
 * produced straight to the send topic without a signature, one with a forged MAC, one signed with a key that was
 * removed from the ring, one forged straight into a retry tier and unsigned bytes that are no notification at all
 * are POLICY dead letters that never reach the
 * SMTP server; records signed with k2 or k1 are sent, and one that fails once (451) is retried — the worker
 * signs its retry record — and delivered. In {@code sign} mode (a rollout) unsigned mail is still sent.
 */
class IntegrityIntegrationTest extends WorkerIntegrationSupport {

  static final Map<String, String> ENV = Map.of("K0", secret(0), "K1", secret(1), "K2", secret(2), "FORGED",
      secret(9));

  static String secret(int seed) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) (17 * seed + 3));
    bytes[0] = (byte) seed;
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A ring signing with {@code signWith}, whose key ids map to the env variables named {@code envs}. */
  static Keyring ring(IntegrityMode mode, String signWith, Map<String, String> envs) {
    List<IntegrityKey> keys = envs.entrySet().stream().map(e -> new IntegrityKey(e.getKey(), e.getValue(), null))
        .toList();
    return new IntegritySettings(mode, signWith, keys).keyring(ENV::get);
  }

  @Test
  void inRequireModeOnlyRecordsSignedWithAKeyOfTheRingAreSentAndARetriedOneStillVerifies() throws Exception {
    // Step 1: a worker requiring signatures by k2 or k1; the server refuses retry@ once with a 451
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.script().at(Stage.RCPT).matching("retry@").reply("451 4.3.0 Try again later").times(1);
    h.integrity = ring(IntegrityMode.REQUIRE, "k2", Map.of("k2", "K2", "k1", "K1"));
    Keyring streams = ring(IntegrityMode.REQUIRE, "k2", Map.of("k2", "K2"));
    Keyring previous = ring(IntegrityMode.REQUIRE, "k1", Map.of("k1", "K1"));
    Keyring removed = ring(IntegrityMode.REQUIRE, "k0", Map.of("k0", "K0"));
    Keyring forger = ring(IntegrityMode.REQUIRE, "k2", Map.of("k2", "FORGED"));
    BackoffPolicy backoff = BackoffPolicy.builder().minDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(1))
        .lifetime(Duration.ofMinutes(5)).build();
    h.startWorker(new WorkerSettings(h.groupId, "worker-integrity", Duration.ofMillis(100),
        List.of(h.localAccount())).withBackoff(backoff), name -> null);

    Notification signed = WorkerHarness.notification("i-signed", "ann@example.com", "default");
    Notification oldKey = WorkerHarness.notification("i-old-key", "bea@example.com", "default");
    Notification retried = WorkerHarness.notification("i-retried", "retry@example.com", "default");
    Notification unsigned = WorkerHarness.notification("i-unsigned", "victim1@example.com", "default");
    Notification forged = WorkerHarness.notification("i-forged", "victim2@example.com", "default");
    Notification byRemoved = WorkerHarness.notification("i-removed", "victim3@example.com", "default");
    Notification intoRetry = WorkerHarness.notification("i-into-retry", "victim4@example.com", "default");

    // Step 2: the forgeries, then the honest records
    h.produce(List.of(unsigned));
    produce(h.topics.send(), forged, forger);
    produce(h.topics.send(), byRemoved, removed);
    produce(h.topics.retry(1), intoRetry, null);
    produceBytes("i-garbage", "not a notification".getBytes(StandardCharsets.UTF_8));
    produce(h.topics.send(), signed, streams);
    produce(h.topics.send(), oldKey, previous);
    produce(h.topics.send(), retried, streams);

    // Step 3: four POLICY dead letters, each saying what was wrong; three mails, the retried one once
    List<ConsumerRecord<String, DeadLetter>> dead = h.awaitRecords(h.topics.deadLetters(), 5);
    Map<String, DeadLetter> byId = dead.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
    assertThat(byId).containsOnlyKeys(unsigned.getNotificationId(), forged.getNotificationId(),
        byRemoved.getNotificationId(), intoRetry.getNotificationId(), "i-garbage");
    assertThat(byId.values()).allSatisfy(d -> {
      assertThat(d.getFailureClass()).isEqualTo("POLICY");
      assertThat(d.getAttempts()).as("nothing was attempted").isZero();
    });
    assertThat(byId.get(unsigned.getNotificationId()).getKind()).isEqualTo("signature-missing");
    assertThat(byId.get(forged.getNotificationId()).getKind()).isEqualTo("signature-mismatch");
    assertThat(byId.get(byRemoved.getNotificationId()).getKind()).isEqualTo("signature-unknown-key");
    assertThat(byId.get(byRemoved.getNotificationId()).getFix()).contains("'k0'", "integrity.keys");
    assertThat(byId.get(intoRetry.getNotificationId()).getKind()).isEqualTo("signature-missing");
    // unsigned and unreadable: refused for its signature (POLICY), not left for a replay as UNDECODABLE
    assertThat(byId.get("i-garbage").getFix()).startsWith("signature-missing: ");

    List<ReceivedMessage> received = h.smtp.awaitMessages(3, WorkerHarness.TIMEOUT);
    assertThat(received).extracting(h::idOf).containsExactlyInAnyOrder(signed.getNotificationId(),
        oldKey.getNotificationId(), retried.getNotificationId());
    List<ConsumerRecord<String, Notification>> retries = h.readToEnd(h.topics.retry(1)).stream()
        .filter(r -> r.key().equals(retried.getNotificationId())).toList();
    assertThat(retries).as("the worker's own retry record, signed by the worker with signWith")
        .singleElement().satisfies(r -> assertThat(WorkerHarness.header(r, Keyring.HEADER)).startsWith("k2:"));
    h.awaitAllCommitted(h.groupId);
    assertThat(h.smtp.messages()).as("no refused record reached SMTP").hasSize(3);
  }

  @Test
  void inSignModeUnsignedMailIsStillSentForARollout() throws Exception {
    // Step 1: a worker that signs but does not require (the rollout's first step)
    h.smtp = ScriptableSmtpServer.builder().start();
    h.integrity = ring(IntegrityMode.SIGN, "k2", Map.of("k2", "K2"));
    h.startWorker("worker-integrity-sign", h.localAccount(), name -> null);
    Notification unsigned = WorkerHarness.notification("s-unsigned", "ann@example.com", "default");
    Notification signed = WorkerHarness.notification("s-signed", "bea@example.com", "default");

    // Step 2: one record from a streams app without the key yet, one from one with it
    h.produce(List.of(unsigned));
    produce(h.topics.send(), signed, ring(IntegrityMode.SIGN, "k2", Map.of("k2", "K2")));

    // Step 3: both are sent, nothing is a dead letter
    assertThat(h.smtp.awaitMessages(2, WorkerHarness.TIMEOUT)).extracting(h::idOf)
        .containsExactlyInAnyOrder(unsigned.getNotificationId(), signed.getNotificationId());
    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
  }

  private void produceBytes(String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(h.kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(h.topics.send().name(), key, value))
          .get(WorkerHarness.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** {@code n} written to {@code topic} as the topology writes it, signed by {@code ring} (unsigned when null). */
  private void produce(Topic<String, Notification> topic, Notification n, Keyring ring) throws Exception {
    byte[] value = h.topics.send().valueSerde().serializer().serialize(topic.name(), n);
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), n.getNotificationId(), value);
    if (ring != null) {
      ring.sign(record.headers(), n.getNotificationId().getBytes(StandardCharsets.UTF_8), value);
    }
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(h.kafka.producerProps(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(record).get(WorkerHarness.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
