package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 15: the streams app is killed with SIGKILL three times while digests are open and mail
 * is held in quiet hours. Every digest must reach the SMTP server exactly once with exactly the
 * items the ledger says it holds (each item DIGESTED once, into one digest), and every held mail
 * exactly once, after its quiet hours — the policy stores, the ledger and the send topic commit
 * together under exactly_once_v2, and punctuation resumes from the restored stores.
 */
class PolicyCrashReliabilityTest {

  private static final int DIGEST_USERS = 10;
  private static final int EDITS_PER_USER = 6;
  private static final int QUIET_USERS = 10;
  /**
   * Quiet hours end this long after the scenario starts (to the second: an end may be given as HH:mm:ss),
   * after the three kills, which take under a minute alone and up to a minute and a half beside another scenario.
   */
  private static final Duration QUIET_AT_LEAST = Duration.ofSeconds(120);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("policy-crash").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void threeKillsWithDigestsOpenAndMailHeldSendEachDigestAndEachHeldMailOnce() throws Exception {
    // Step 1: rules with a 40 s digest for edits, users whose quiet hours (UTC) end 2 minutes from now
    Instant quietEndsAt = Instant.now().plus(QUIET_AT_LEAST).truncatedTo(ChronoUnit.SECONDS);
    LocalTime quietEnd = LocalTime.ofInstant(quietEndsAt, ZoneOffset.UTC);
    Path rules = Files.writeString(Files.createTempFile("policy-rules", ".yaml"), "rules:\n"
        + "  - events: bug.edited\n    notify: [to]\n    template: bug\n    digest: {mode: fixed, every: 40s}\n"
        + "  - events: bug.assigned\n    notify: [to]\n    template: bug\n", StandardCharsets.UTF_8);
    Path config = withRules(cluster.config("policy", ReliabilityCluster.localAccount("relay", smtp.port(), true, null),
        null), rules);
    publishUsers(quietEnd);
    ManagedProcess streams = cluster.startStreams("streams", config);
    cluster.startWorker("worker", config);

    // Step 2: over ~24 s, 6 edits for each digest user and one assignment for each quiet user; kill -9 three times
    CompletableFuture<Void> published = CompletableFuture.runAsync(PolicyCrashReliabilityTest::publishEvents);
    for (int kill = 1; kill <= 3; kill++) {
      LockSupport.parkNanos(Duration.ofSeconds(7).toNanos());
      streams.kill9();
      streams.start();
      ReliabilityCluster.awaitRunning(streams);
    }
    published.get();
    assertThat(Instant.now()).as("the three kills over while the mail is still held").isBefore(quietEndsAt);

    // Step 3: every item DIGESTED exactly once; every held mail DEFERRED; then all mail arrives
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Map<String, List<DeliveryStatus>> ledger = Await.forValue(Duration.ofMinutes(3), "every edit digested",
        () -> ledger(verifier), l -> itemIds().stream().allMatch(id -> has(l, id, DeliveryState.DIGESTED))
            && heldIds().stream().allMatch(id -> has(l, id, DeliveryState.DEFERRED)), Duration.ofSeconds(2));
    Map<String, List<String>> members = new TreeMap<>();
    for (String id : itemIds()) {
      List<DeliveryStatus> digested = ledger.get(id).stream().filter(s -> s.getState() == DeliveryState.DIGESTED)
          .toList();
      assertThat(digested).as("item " + id + " digested once").hasSize(1);
      members.computeIfAbsent(digested.get(0).getDigestId(), d -> new ArrayList<>()).add(id);
    }
    List<String> expectedIds = new ArrayList<>(members.keySet());
    expectedIds.addAll(heldIds());
    ScenarioSupport.awaitReceived(smtp, new java.util.HashSet<>(expectedIds), Duration.ofMinutes(8));
    // the send topic holds each digest and each held mail once (exactly_once_v2 across the kills), and the
    // workers have handled all of it: anything sent twice has reached the server by now
    Map<String, Integer> inSendTopic = verifier.sendTopicCounts();
    assertThat(inSendTopic).as("the send topic, read committed").containsOnlyKeys(expectedIds)
        .allSatisfy((id, copies) -> assertThat(copies).as("copies of " + id).isOne());
    cluster.awaitCommittedToEnd(ReliabilityCluster.WORKER_GROUP, cluster.topics.send().name(), Duration.ofMinutes(1));

    List<ReceivedMessage> received = smtp.messages();
    Map<String, List<ReceivedMessage>> byId = new HashMap<>();
    received.forEach(m -> byId.computeIfAbsent(Verifier.notificationId(m), k -> new ArrayList<>()).add(m));
    System.out.printf("scenario 15 (3 x kill -9 of the streams app with %d digests open or due and %d mails held): "
        + "received %d messages, duplicates %d%n", members.size(), QUIET_USERS, received.size(),
        Verifier.duplicates(received).size());
    assertThat(Verifier.duplicates(received)).isEmpty();
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(expectedIds);
    members.forEach((digestId, items) -> {
      ReceivedMessage digest = byId.get(digestId).get(0);
      assertThat(digest.subject().orElseThrow()).as("digest " + digestId).contains(items.size() + " updates");
      for (int u = 0; u < DIGEST_USERS; u++) {
        for (int e = 0; e < EDITS_PER_USER; e++) {
          boolean member = items.contains(editId(u, e));
          assertThat(digest.body().contains(stamp(e) + " GMT Bug #d" + u + " "))
              .as("digest %s lists edit %d of d%d exactly when it holds it", digestId, e, u).isEqualTo(member);
        }
      }
    });
    for (String id : heldIds()) {
      DeliveryStatus deferred = ledger.get(id).stream().filter(s -> s.getState() == DeliveryState.DEFERRED)
          .findFirst().orElseThrow();
      assertThat(deferred.getReleaseAt()).isEqualTo(quietEndsAt);
    }
    assertThat(Instant.now()).as("held mail arrived, so quiet hours are over").isAfterOrEqualTo(quietEndsAt);
  }

  private static Path withRules(Path config, Path rules) throws Exception {
    String yaml = Files.readString(config, StandardCharsets.UTF_8);
    String changed = yaml.replace("  applicationId: reliability-streams",
        "  applicationId: reliability-streams\n  rulesFile: \"" + rules + "\"");
    if (changed.equals(yaml)) {
      throw new IllegalStateException("the harness config no longer has 'applicationId: reliability-streams'");
    }
    Files.writeString(config, changed, StandardCharsets.UTF_8);
    return config;
  }

  private static void publishUsers(LocalTime quietEnd) throws Exception {
    String quiet = "{\"quietHours\":[{\"start\":\"" + quietEnd.minusHours(1) + "\",\"end\":\"" + quietEnd + "\"}]}";
    try (KafkaProducer<String, byte[]> producer = Load.producer(cluster.clientProperties())) {
      for (int u = 0; u < DIGEST_USERS; u++) {
        send(producer, cluster.topics.users().name(), "d" + u, user("d" + u, null));
      }
      for (int u = 0; u < QUIET_USERS; u++) {
        send(producer, cluster.topics.users().name(), "q" + u, user("q" + u, quiet));
      }
      producer.flush();
    }
  }

  private static String user(String id, String preferences) {
    return "{\"userId\":\"" + id + "\",\"email\":\"" + Load.address(id) + "\",\"locale\":\"en\",\"timeZone\":\"UTC\""
        + (preferences == null ? "" : ",\"preferences\":" + preferences) + "}";
  }

  private static void publishEvents() {
    try (KafkaProducer<String, byte[]> producer = Load.producer(cluster.clientProperties())) {
      for (int e = 0; e < EDITS_PER_USER; e++) {
        for (int u = 0; u < DIGEST_USERS; u++) {
          send(producer, cluster.topics.events().name(), "edit-" + u + "-" + e, event("edit-" + u + "-" + e,
              "bug.edited", "d" + u, stamp(e)));
        }
        if (e == 0) {
          for (int u = 0; u < QUIET_USERS; u++) {
            send(producer, cluster.topics.events().name(), "held-" + u, event("held-" + u, "bug.assigned",
                "q" + u, stamp(0)));
          }
        }
        producer.flush();
        LockSupport.parkNanos(Duration.ofSeconds(4).toNanos());
      }
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, String json) {
    producer.send(new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8)));
  }

  /** Each edit of a user carries its own minute, so a digest's body shows which edits it holds. */
  private static String stamp(int edit) {
    return String.format("2026-11-21 10:%02d", edit);
  }

  private static String event(String id, String type, String to, String stamp) {
    return "{\"eventId\":\"" + id + "\",\"type\":\"" + type + "\",\"source\":\"zentao\",\"team\":\"qa\","
        + "\"occurredAt\":\"" + stamp.replace(' ', 'T') + ":00Z\",\"actor\":{\"userId\":\"robot\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"" + to + "\",\"title\":\"Policy " + to + "\"},"
        + "\"to\":[{\"userId\":\"" + to + "\"}]}";
  }

  private static String editId(int user, int edit) {
    return NotificationIds.forAddress("edit-" + user + "-" + edit, Load.address("d" + user), "bug");
  }

  private static List<String> itemIds() {
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < DIGEST_USERS; u++) {
      for (int e = 0; e < EDITS_PER_USER; e++) {
        ids.add(editId(u, e));
      }
    }
    return ids;
  }

  private static List<String> heldIds() {
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < QUIET_USERS; u++) {
      ids.add(NotificationIds.forAddress("held-" + u, Load.address("q" + u), "bug"));
    }
    return ids;
  }

  private static Map<String, List<DeliveryStatus>> ledger(Verifier verifier) {
    Map<String, List<DeliveryStatus>> ledger = new HashMap<>();
    for (ConsumerRecord<String, DeliveryStatus> r : verifier.readAll(cluster.topics.status())) {
      ledger.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
    }
    return ledger;
  }

  private static boolean has(Map<String, List<DeliveryStatus>> ledger, String id, DeliveryState state) {
    return ledger.getOrDefault(id, List.of()).stream().anyMatch(s -> s.getState() == state);
  }
}
