package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5: account A's server accepts connections but never answers, while account B's server
 * is healthy. A's sends time out after its 1 s read time-out and are retried; the worker's poll
 * loop never stalls, so no rebalance happens after the initial assignment; and B's mail, published
 * while A's backlog is stuck, is all delivered within {@link #B_BOUND} of publishing.
 */
class HungAccountReliabilityTest {

  private static final Duration B_BOUND = Duration.ofSeconds(10);
  private static final int A_EVENTS = 50;
  private static final int B_EVENTS = 30;
  private static final int USERS = 20;
  private static final Pattern REBALANCE = Pattern.compile("(?m)^.*: (revoked|lost) \\[.*$");
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer hung;
  @AutoClose
  private static ScriptableSmtpServer healthy;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("hung-account").start();
    hung = ScriptableSmtpServer.builder().start();
    hung.script().hang(Stage.CONNECT);
    healthy = ScriptableSmtpServer.builder().start();
  }

  @Test
  void aHungServerDelaysOnlyItsOwnAccount() throws Exception {
    // Step 1: account A (system default, 1 s time-outs) on the hung server, B (team b-team) on the healthy one
    new Load("hung", USERS).publishDirectory(cluster.clientProperties(), cluster.topics);
    String accounts = ReliabilityCluster.localAccount("a", hung.port(), true, "connectTimeout: PT1S, readTimeout: PT1S")
        + ReliabilityCluster.localAccount("b", healthy.port(), false, "teams: [b-team], limits: {ratePerSecond: 50}");
    Path config = cluster.config("hung", accounts, null);
    cluster.startStreams("streams", config);
    ManagedProcess worker = cluster.startWorker("worker", config);

    // Step 2: A's mail first, until its sends are seen timing out; then B's mail
    Set<String> aIds = ScenarioSupport.publishTeamEvents(cluster, "a", "qa", A_EVENTS, USERS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Await.until(Duration.ofSeconds(30), "a RETRYING status with reason timeout for account a",
        () -> ScenarioSupport.statuses(verifier, cluster).stream().anyMatch(s -> s.getState() == DeliveryState.RETRYING
            && "timeout".equals(s.getReason()) && "a".equals(s.getAccount())));
    Set<String> bIds = ScenarioSupport.publishTeamEvents(cluster, "b", "b-team", B_EVENTS, USERS);
    Instant published = Instant.now();

    // Step 3: every B notification arrives within the bound; A's none; no rebalance
    ScenarioSupport.awaitReceived(healthy, bIds, B_BOUND);
    Duration bLatency = Duration.between(published, Instant.now());
    List<DeliveryStatus> statuses = ScenarioSupport.statuses(verifier, cluster);
    long aTimeouts = statuses.stream().filter(s -> "a".equals(s.getAccount()) && "timeout".equals(s.getReason()))
        .count();
    long aRetrying = statuses.stream().filter(s -> "a".equals(s.getAccount())
        && s.getState() == DeliveryState.RETRYING).count();
    List<String> rebalances = REBALANCE.matcher(ScenarioSupport.log(worker)).results().map(m -> m.group()).toList();
    Verifier.Reconciliation r = verifier.reconcile(bIds, healthy.messages());
    System.out.printf("scenario 5 (account a hangs at connect, %d notifications stuck: %d RETRYING of which %d "
            + "timeout, %d connections; account b: all delivered %.1f s after publishing, bound %d s; rebalances "
            + "after the initial assignment %d): expected %d, sent %d, skipped %d, dead %d, duplicates %d%n",
        aIds.size(), aRetrying, aTimeouts, hung.connectionCount(), bLatency.toMillis() / 1000.0, B_BOUND.toSeconds(),
        rebalances.size(), r.expected(), r.sent(), r.skipped(), r.dead(), r.duplicates());
    assertThat(r.sent()).isEqualTo(bIds.size());
    assertThat(r.missing()).isEmpty();
    assertThat(r.unexpected()).isEmpty();
    assertThat(hung.messages()).isEmpty();
    assertThat(hung.connectionCount()).as("A's sends did reach the hung server").isPositive();
    assertThat(aTimeouts).isPositive();
    assertThat(rebalances).as("no partition revoked or lost after the initial assignment").isEmpty();
    assertThat(worker.isAlive()).isTrue();
    assertThat(ScenarioSupport.deadLetters(verifier, cluster)).as("time-outs are transient").isEmpty();
  }
}
