package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.AvroSerde;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.json.JsonRecords;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 8 and 9: poison published straight to the topics, bypassing every upstream check.
 *
 * <ul>
 *   <li>8: five malformed events on {@code notifier.events} — truncated Avro, a forged 2 GB string
 *       length, an unknown fingerprint, broken JSON, a 5 MiB event — each land in
 *       {@code notifier.events.invalid} with its reason header; the streams process (-Xmx512m)
 *       neither dies nor runs out of memory, and a good event published after them is delivered.
 *   <li>9: notifications with CR/LF in the subject, the recipient's name or the address, published
 *       straight to {@code notifier.send} — each refused before a byte reaches SMTP and
 *       dead-lettered as INVALID_MESSAGE with a reason.
 * </ul>
 */
class PoisonInputReliabilityTest {

  private static final int USERS = 10;
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;
  private static ManagedProcess streams;
  private static Verifier verifier;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("poison-input").start();
    smtp = ScriptableSmtpServer.builder().start();
    new Load("poison", USERS).publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("poison", ReliabilityCluster.localAccount("relay", smtp.port(), true, null), null);
    streams = cluster.startStreams("streams", config);
    cluster.startWorker("worker", config);
    verifier = new Verifier(cluster.clientProperties(), cluster.topics);
  }

  @Test
  void poisonEventsGoToTheInvalidTopicAndTheStreamsAppCarriesOn() throws Exception {
    // Step 1: the poison, from one valid Avro event
    byte[] avro = new AvroSerde<>(DomainEvent.class, DomainEvent.getClassSchema()).encode(JsonRecords.event(
        new ObjectMapper().readTree(ScenarioSupport.eventJson("avro-1", "qa", "u1", "u2"))));
    Map<String, byte[]> poison = new LinkedHashMap<>();
    poison.put("truncated-avro", Arrays.copyOf(avro, avro.length / 2));
    poison.put("forged-length", forgedLength(avro));
    poison.put("wrong-fingerprint", flippedFingerprint(avro));
    poison.put("invalid-json", "{\"eventId\":\"bad-json\",\"type\":".getBytes(StandardCharsets.UTF_8));
    poison.put("five-mib", fiveMibEvent());
    Map<String, String> reasons = Map.of("truncated-avro", "bad-avro", "forged-length", "bad-avro",
        "wrong-fingerprint", "bad-avro", "invalid-json", "bad-json", "five-mib", "too-large");

    // Step 2: publish the poison, then one good event
    String events = cluster.topics.events().name();
    for (Map.Entry<String, byte[]> p : poison.entrySet()) {
      ScenarioSupport.publishRaw(cluster.clientProperties(), events, p.getKey(), p.getValue());
    }
    ScenarioSupport.publishRaw(cluster.clientProperties(), events, "good-8",
        ScenarioSupport.eventJson("good-8", "qa", "u3", "u4").getBytes(StandardCharsets.UTF_8));
    Set<String> good = Set.of(NotificationIds.forAddress("good-8", Load.address("u3"), Load.TEMPLATE),
        NotificationIds.forAddress("good-8", Load.address("u4"), Load.TEMPLATE));

    // Step 3: each poison record is in the invalid topic with its reason; the good one is delivered
    List<ConsumerRecord<String, byte[]>> invalid = Await.forValue(Duration.ofSeconds(60),
        "the " + poison.size() + " poison records in the invalid topic",
        () -> verifier.readAll(cluster.topics.invalidEvents()), records -> records.size() >= poison.size(),
        ScenarioSupport.TOPIC_POLL);
    Map<String, String> found = invalid.stream().collect(Collectors.toMap(ConsumerRecord::key,
        r -> header(r, "notifier.error.reason"), (a, b) -> a + "," + b));
    ScenarioSupport.awaitReceived(smtp, good, Duration.ofSeconds(60));
    String log = ScenarioSupport.log(streams);
    Verifier.Reconciliation r = verifier.reconcile(good, smtp.messages());
    System.out.printf("scenario 8 (5 poison events %s; streams alive %s, OutOfMemoryError in log %s): expected %d, "
            + "sent %d, skipped %d, dead %d, duplicates %d%n", found, streams.isAlive(),
        log.contains("OutOfMemoryError"), r.expected(), r.sent(), r.skipped(), r.dead(), r.duplicates());
    assertThat(found).isEqualTo(reasons);
    assertThat(invalid).allSatisfy(rec -> {
      assertThat(header(rec, "notifier.error.message")).isNotBlank();
      assertThat(rec.value()).isEqualTo(poison.get(rec.key()));
    });
    assertThat(streams.isAlive()).isTrue();
    assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain("-> ERROR").doesNotContain("-> PENDING_ERROR");
    assertThat(r.sent()).isEqualTo(good.size());
    assertThat(r.duplicates()).isZero();
  }

  @Test
  void lineBreaksInHeadersAreRefusedBeforeSmtp() throws Exception {
    // Step 1: three notifications with CR/LF where a header is made, and one clean one
    Map<String, Notification> sent = new LinkedHashMap<>();
    sent.put("crlf-subject", notification("crlf-subject", "crlf-subject@example.com", "Eve",
        "Hello\r\nBcc: victim@evil.example"));
    sent.put("crlf-name", notification("crlf-name", "crlf-name@example.com", "Eve\r\nBcc: victim@evil.example",
        "Hello"));
    sent.put("crlf-address", notification("crlf-address", "crlf-address@example.com\r\nBcc: victim@evil.example",
        "Eve", "Hello"));
    sent.put("clean-9", notification("clean-9", "clean-9@example.com", "Eve", "Hello"));

    // Step 2: straight to the send topic, as a buggy or hostile producer would
    String send = cluster.topics.send().name();
    for (Notification n : sent.values()) {
      ScenarioSupport.publishRaw(cluster.clientProperties(), send, n.getNotificationId(),
          Topics.notificationSerde().serializer().serialize(send, n));
    }

    // Step 3: the clean one arrives; the three are dead-lettered as INVALID_MESSAGE and never reach SMTP
    ScenarioSupport.awaitReceived(smtp, Set.of("clean-9"), Duration.ofSeconds(60));
    Set<String> bad = Set.of("crlf-subject", "crlf-name", "crlf-address");
    List<DeadLetter> dead = ScenarioSupport.awaitDeadLetters(verifier, cluster, bad, Duration.ofSeconds(30));
    List<DeliveryStatus> statuses = ScenarioSupport.statuses(verifier, cluster);
    Verifier.Reconciliation r = verifier.reconcile(sent.keySet(), smtp.messages());
    List<String> mail = ScenarioSupport.mailCommands(smtp);
    System.out.printf("scenario 9 (CR/LF in subject, name, address): expected %d, sent %d, skipped %d, dead %d, "
            + "duplicates %d%n", r.expected(), r.sent(), r.skipped(), r.dead(), r.duplicates());
    assertThat(dead).hasSize(3).allSatisfy(d -> {
      assertThat(bad).contains(d.getNotification().getNotificationId());
      assertThat(d.getFailureClass()).isEqualTo("INVALID_MESSAGE");
      assertThat(d.getKind()).isNotBlank();
      assertThat(d.getFix()).isNotBlank();
    });
    assertThat(statuses).filteredOn(s -> bad.contains(s.getNotificationId()))
        .allSatisfy(s -> assertThat(s.getState()).isEqualTo(DeliveryState.DEAD))
        .allSatisfy(s -> assertThat(s.getReason()).isNotBlank())
        .hasSize(3);
    assertThat(r.sent()).isEqualTo(1);
    assertThat(r.dead()).isEqualTo(3);
    assertThat(smtp.messages()).noneMatch(m -> m.dataAsString().contains("crlf-") || m.dataAsString().contains("evil"));
    assertThat(mail).noneMatch(l -> l.contains("crlf-") || l.contains("evil"));
    // every MAIL FROM the server saw belongs to a message it accepted: none was started for the refused three
    assertThat(mail.stream().filter(l -> l.toUpperCase(java.util.Locale.ROOT).startsWith("C: MAIL")).count())
        .isEqualTo(smtp.messages().size());
    assertThat(smtp.messages().stream().map(ReceivedMessage::recipients).flatMap(List::stream))
        .noneMatch(a -> a.contains("crlf") || a.contains("evil"));
  }

  private static Notification notification(String id, String email, String name, String subject) {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId(id)
        .setEventId("poison-9")
        .setEventType("bug.assigned")
        .setSource("reliability")
        .setTeam("qa")
        .setTemplate(Load.TEMPLATE)
        .setAccount("relay")
        .setRecipient(Recipient.newBuilder().setUserId(null).setEmail(email).setName(name).setRole("direct").build())
        .setSubject(subject)
        .setTextBody("body of " + id)
        .setHtmlBody(null)
        .setCreatedAt(Instant.parse("2026-11-21T10:00:00Z"))
        .build();
  }

  /** The single-object header of a valid event, then a string length of 2,000,000,000 (zig-zag varint). */
  private static byte[] forgedLength(byte[] valid) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(valid, 0, 10); // C3 01 + 8-byte fingerprint
    long zigzag = 2_000_000_000L << 1;
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    out.writeBytes("not two gigabytes".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static byte[] flippedFingerprint(byte[] valid) {
    byte[] copy = valid.clone();
    copy[2] ^= (byte) 0xFF;
    return copy;
  }

  private static byte[] fiveMibEvent() {
    String json = ScenarioSupport.eventJson("five-mib", "qa", "u1", "u2");
    String padded = json.replace("\"title\":\"Scenario five-mib\"", "\"title\":\"" + "x".repeat(5 * 1024 * 1024) + "\"");
    return padded.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
