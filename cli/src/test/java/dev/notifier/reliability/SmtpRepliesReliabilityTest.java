package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scenarios 6 and 7, one cluster and one streams app, three accounts on three servers:
 *
 * <ul>
 *   <li>6a: {@code 451} after DATA for a while, then 250 — delivered after backoff (RETRYING seen);
 *   <li>7: {@code 550 5.1.1} at RCPT for one address among many — exactly that address's
 *       notifications dead-lettered (DEAD_RECIPIENT), all others SENT;
 *   <li>6b: {@code 451} forever with a 3 s lifetime budget — dead-lettered as EXPIRED. The budget
 *       is the worker's, so 6b runs after 6a/7 with a second worker configured with
 *       {@code retry.lifetime: PT3S} in place of the first (same consumer group).
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmtpRepliesReliabilityTest {

  private static final int USERS = 20;
  private static final int TRANSIENT_REPLIES = 8;
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer later;
  @AutoClose
  private static ScriptableSmtpServer rcpt;
  @AutoClose
  private static ScriptableSmtpServer never;
  private static String accounts;
  private static ManagedProcess firstWorker;
  private static Verifier verifier;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("smtp-replies").start();
    later = ScriptableSmtpServer.builder().start();
    rcpt = ScriptableSmtpServer.builder().start();
    never = ScriptableSmtpServer.builder().start();
    accounts = ReliabilityCluster.localAccount("later", later.port(), true, null)
        + ReliabilityCluster.localAccount("rcpt", rcpt.port(), false, "teams: [rcpt-team]")
        + ReliabilityCluster.localAccount("never", never.port(), false, "teams: [never-team]");
    new Load("replies", USERS).publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("replies", accounts, null);
    cluster.startStreams("streams", config);
    firstWorker = cluster.startWorker("worker-lifetime-10m", config);
    verifier = new Verifier(cluster.clientProperties(), cluster.topics);
  }

  @Test
  @Order(1)
  void transientRepliesThenAcceptedAreDeliveredAndOneRefusedRecipientIsDeadLettered() throws Exception {
    // Step 1: script the servers
    later.script().at(Stage.DATA_END).reply("451 4.3.0 Try later").times(TRANSIENT_REPLIES);
    rcpt.script().at(Stage.RCPT).matching("u7@").reply("550 5.1.1 <u7@example.com>: Recipient address rejected: "
        + "User unknown").always();

    // Step 2: 10 events for the 451 account, 40 for the RCPT account (u7 is in 4 of them, twice in some)
    Set<String> laterIds = ScenarioSupport.publishTeamEvents(cluster, "later", "qa", 10, USERS);
    Set<String> rcptIds = ScenarioSupport.publishTeamEvents(cluster, "rcpt", "rcpt-team", 40, USERS);
    Set<String> u7Ids = rcptIds.stream().filter(id -> isFor(id, "u7")).collect(Collectors.toSet());

    // Step 3 (6a): all delivered after RETRYING statuses; nothing dead
    ScenarioSupport.awaitReceived(later, laterIds, Duration.ofSeconds(60));
    List<DeliveryStatus> statuses = ScenarioSupport.statuses(verifier, cluster);
    long retrying = statuses.stream().filter(s -> "later".equals(s.getAccount())
        && s.getState() == DeliveryState.RETRYING).count();
    Verifier.Reconciliation r6 = verifier.reconcile(laterIds, later.messages());
    System.out.printf("scenario 6a (451 after DATA %d times, then 250; %d RETRYING statuses, %d rejected at the "
            + "server): expected %d, sent %d, skipped %d, dead %d, duplicates %d%n", TRANSIENT_REPLIES, retrying,
        later.rejectedCount(), r6.expected(), r6.sent(), r6.skipped(), r6.dead(), r6.duplicates());
    assertThat(later.rejectedCount()).isEqualTo(TRANSIENT_REPLIES);
    assertThat(retrying).isGreaterThanOrEqualTo(1);
    assertThat(r6.sent()).isEqualTo(laterIds.size());
    assertThat(r6.dead()).isZero();
    assertThat(r6.missing()).isEmpty();

    // Step 4 (7): u7's notifications that reached the server are dead recipients; the first bounce
    // suppresses u7 (issue 18), so any after it is SKIPPED suppressed and never reaches the server;
    // every other one is sent
    Set<String> others = rcptIds.stream().filter(id -> !u7Ids.contains(id)).collect(Collectors.toSet());
    ScenarioSupport.awaitReceived(rcpt, others, Duration.ofSeconds(60));
    Verifier.Reconciliation r7 = dev.notifier.testkit.Await.forValue(Duration.ofSeconds(30),
        "an outcome for each of u7's notifications", () -> verifier.reconcile(rcptIds, rcpt.messages()),
        r -> r.missing().isEmpty(), ScenarioSupport.TOPIC_POLL);
    List<DeadLetter> dead = ScenarioSupport.deadLetters(verifier, cluster).stream()
        .filter(d -> d.getNotification() != null && u7Ids.contains(d.getNotification().getNotificationId())).toList();
    List<DeliveryStatus> suppressed = ScenarioSupport.statuses(verifier, cluster).stream()
        .filter(s -> u7Ids.contains(s.getNotificationId()) && s.getState() == DeliveryState.SKIPPED).toList();
    System.out.printf("scenario 7 (550 5.1.1 at RCPT for u7@ among %d recipients): expected %d, sent %d, skipped %d "
            + "(u7 suppressed after its bounce), dead %d, duplicates %d%n", USERS, r7.expected(), r7.sent(),
        r7.skipped(), r7.dead(), r7.duplicates());
    assertThat(u7Ids).isNotEmpty();
    assertThat(dead).isNotEmpty().allSatisfy(d -> {
      assertThat(d.getFailureClass()).isEqualTo("DEAD_RECIPIENT");
      assertThat(d.getNotification().getRecipient().getEmail()).isEqualTo("u7@example.com");
      assertThat(d.getReplyCode()).isEqualTo(550);
    });
    assertThat(suppressed).allSatisfy(st -> assertThat(st.getReason()).isEqualTo("suppressed"));
    Set<String> accounted = new java.util.TreeSet<>();
    dead.forEach(d -> accounted.add(d.getNotification().getNotificationId()));
    suppressed.forEach(st -> accounted.add(st.getNotificationId()));
    assertThat(accounted).isEqualTo(u7Ids);
    assertThat(r7.dead() + r7.skipped()).isEqualTo(u7Ids.size());
    assertThat(r7.sent()).isEqualTo(others.size());
    assertThat(r7.duplicates()).isZero();
    assertThat(r7.missing()).isEmpty();
    assertThat(rcpt.messages()).noneMatch(m -> m.recipients().contains("u7@example.com"));
  }

  @Test
  @Order(2)
  void transientRepliesForeverExpireIntoTheDeadLetterTopic() throws Exception {
    // Step 1: the first worker hands over to one with a 3 s lifetime budget
    assertThat(firstWorker.terminate(Duration.ofSeconds(30))).isTrue();
    // its breaker re-probes every 0.2 s: with a server that always fails, each probe reopens it, so at the
    // harness's 1 s the 18 mails came to their first attempts one at a time, about 2 s apart (36 s)
    Path shortLived = ScenarioSupport.withBreakerOpenFor(ScenarioSupport.config(cluster, "replies-lifetime-3s",
        accounts, Duration.ofSeconds(3)), Duration.ofMillis(200));
    cluster.startWorker("worker-lifetime-3s", shortLived);
    never.script().at(Stage.DATA_END).reply("451 4.3.0 Try later").always();

    // Step 2: 10 events for the account whose server always answers 451
    Set<String> ids = ScenarioSupport.publishTeamEvents(cluster, "never", "never-team", 10, USERS);

    // Step 3: every one is dead-lettered as EXPIRED, none delivered — but u7's, whose address scenario 7's
    // bounce suppressed (issue 18): SKIPPED suppressed by the topology, never at the server
    Set<String> u7Ids = ids.stream().filter(id -> isFor(id, "u7", "never")).collect(Collectors.toSet());
    Set<String> expiring = ids.stream().filter(id -> !u7Ids.contains(id)).collect(Collectors.toSet());
    List<DeadLetter> expired = ScenarioSupport.awaitDeadLetters(verifier, cluster, expiring, Duration.ofSeconds(60))
        .stream().filter(d -> "never".equals(d.getAccount())).toList();
    Verifier.Reconciliation r = dev.notifier.testkit.Await.forValue(Duration.ofSeconds(30),
        "an outcome for each notification", () -> verifier.reconcile(ids, never.messages()),
        rec -> rec.missing().isEmpty(), ScenarioSupport.TOPIC_POLL);
    long retrying = ScenarioSupport.statuses(verifier, cluster).stream()
        .filter(s -> "never".equals(s.getAccount()) && s.getState() == DeliveryState.RETRYING).count();
    System.out.printf("scenario 6b (451 after DATA forever, lifetime PT3S; %d RETRYING statuses, %d attempts at the "
            + "server): expected %d, sent %d, skipped %d (u7, suppressed), dead %d, duplicates %d%n", retrying,
        never.rejectedCount(), r.expected(), r.sent(), r.skipped(), r.dead(), r.duplicates());
    assertThat(u7Ids).isNotEmpty();
    assertThat(never.messages()).isEmpty();
    assertThat(expired).allSatisfy(d -> assertThat(d.getFailureClass()).isEqualTo("EXPIRED"));
    assertThat(expired.stream().map(d -> d.getNotification().getNotificationId()).collect(Collectors.toSet()))
        .isEqualTo(expiring);
    assertThat(r.dead()).isEqualTo(expiring.size());
    assertThat(r.skipped()).isEqualTo(u7Ids.size());
    assertThat(r.missing()).isEmpty();
  }

  private static boolean isFor(String notificationId, String user) {
    return isFor(notificationId, user, "rcpt");
  }

  private static boolean isFor(String notificationId, String user, String prefix) {
    for (int i = 0; i < 40; i++) {
      if (notificationId.equals(dev.notifier.schemas.NotificationIds.forAddress(prefix + "-" + i, Load.address(user),
          Load.TEMPLATE))) {
        return true;
      }
    }
    return false;
  }
}
