package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 14: the primary account's SMTP server is killed in the middle of the load, with two
 * workers (separate processes) and a backup account. Mail the primary certainly did not take goes to
 * the backup; mail whose end of data was sent when the server died is UNKNOWN and goes back to the
 * primary only, once it is up again. Counted at both servers: nothing missing, nothing at both
 * servers, nothing twice except (at most) the UNKNOWN ones.
 */
class FailoverReliabilityTest {

  private static final int EVENTS = 150;
  private static final Duration OUTAGE = Duration.ofSeconds(15);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer primary;
  @AutoClose
  private static ScriptableSmtpServer backup;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("provider-failover").start();
    primary = ScriptableSmtpServer.builder().start();
    backup = ScriptableSmtpServer.builder().start();
  }

  @Test
  void thePrimaryKilledMidLoadLosesNothingAndSendsNothingTwiceExceptTheUnknownOnes() throws Exception {
    // Step 1: accounts primary (failing over to backup; UNKNOWN mail sent again after 5 s) and backup; the
    // primary's server takes 300 ms over each end of data, so some are in flight when it dies
    primary.script().delay(Stage.DATA_END, Duration.ofMillis(300));
    Load load = new Load("provider-failover", 50);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    String accounts = ReliabilityCluster.localAccount("primary", primary.port(), true,
        "poolSize: 2, failover: [backup], unknownOutcomeRetry: PT5S, limits: {ratePerSecond: 50}")
        + ReliabilityCluster.localAccount("backup", backup.port(), false, "limits: {ratePerSecond: 50}");
    Path config = cluster.config("failover", accounts, null);
    cluster.startStreams("streams", config);
    cluster.startWorkers("worker", 2, config);

    // Step 2: the load flows for about 25 s; the primary's server dies after its first 40 messages and is
    // back 15 s later, while the load still flows
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, 6);
    Await.until(Duration.ofSeconds(60), "40 messages at the primary's server", () -> primary.messages().size() >= 40);
    // the server stops answering ends of data, then dies: those messages' outcome is unknown to the workers
    primary.script().hang(Stage.DATA_END);
    Await.until(Duration.ofSeconds(30), "a message at the primary's server waiting for its reply",
        () -> primary.transcripts().stream().anyMatch(t -> t.lines().contains("*: hanging at DATA_END (scripted)")));
    primary.down();
    primary.clearScript();
    int beforeOutage = primary.messages().size();
    Await.until(Duration.ofSeconds(30), "mail at the backup's server", () -> !backup.messages().isEmpty());
    LockSupport.parkNanos(OUTAGE.toNanos());
    primary.up();
    assertThat(published.get()).hasSize(EVENTS);

    // Step 3: every notification arrives; none at both servers; duplicates only among the UNKNOWN ones
    Set<String> expected = load.expected(0, EVENTS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    List<ReceivedMessage> all = new ArrayList<>(primary.messages());
    all.addAll(backup.messages());
    Await.until(Duration.ofSeconds(90), "every notification at one of the servers", () -> {
      all.clear();
      all.addAll(primary.messages());
      all.addAll(backup.messages());
      return verifier.reconcile(expected, all).missing().isEmpty();
    });
    Verifier.Reconciliation r = verifier.reconcile(expected, all);
    List<DeliveryStatus> statuses = ScenarioSupport.statuses(verifier, cluster);
    Set<String> unknown = statuses.stream().filter(s -> s.getState() == DeliveryState.UNKNOWN)
        .map(DeliveryStatus::getNotificationId).collect(Collectors.toSet());
    Set<String> atPrimary = ids(primary.messages());
    Set<String> atBackup = ids(backup.messages());
    Set<String> atBoth = new HashSet<>(atPrimary);
    atBoth.retainAll(atBackup);
    long failedOver = statuses.stream().filter(s -> s.getState() == DeliveryState.SENT && "backup".equals(
        s.getAccount())).count();
    int afterOutage = primary.messages().size() - beforeOutage;
    System.out.printf("scenario 14 (primary's SMTP server killed mid-load for %d s, 2 workers): expected %d, at primary"
            + " %d (%d after it came back), at backup %d (%d SENT by the backup), UNKNOWN %d, at both %d, duplicates %d,"
            + " missing %d, dead %d; statuses by state/reason %s%n", OUTAGE.toSeconds(), r.expected(), atPrimary.size(),
        afterOutage, atBackup.size(), failedOver, unknown.size(), atBoth.size(), r.duplicates(), r.missing().size(),
        r.dead(), statuses.stream().collect(Collectors.groupingBy(s -> s.getState() + "/" + s.getReason(),
            java.util.TreeMap::new, Collectors.counting())));
    assertThat(r.missing()).isEmpty();
    assertThat(r.dead()).isZero();
    assertThat(r.unexpected()).isEmpty();
    assertThat(atBackup).as("the backup carried mail while the primary was down").isNotEmpty();
    assertThat(afterOutage).as("the primary took its mail again once it was back").isPositive();
    assertThat(atBoth).as("no notification at both servers").isEmpty();
    assertThat(unknown).as("the messages the server died on are UNKNOWN").isNotEmpty();
    assertThat(unknown).as("no UNKNOWN notification was sent by the backup").doesNotContainAnyElementsOf(atBackup);
    assertThat(r.duplicates()).as("duplicates only among the UNKNOWN ones").isLessThanOrEqualTo(unknown.size());
  }

  private static Set<String> ids(List<ReceivedMessage> messages) {
    return messages.stream().map(Verifier::notificationId).collect(Collectors.toSet());
  }
}
