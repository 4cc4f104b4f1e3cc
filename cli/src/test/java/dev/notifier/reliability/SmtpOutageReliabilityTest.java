package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4: the SMTP server is down for 30 s while 200 events (about 400 notifications) flow.
 * Refused connections are transient: the account's breaker opens (RETRYING, breaker-open), the
 * mail waits in the retry topics, nothing is dead-lettered, and once the server is back every
 * notification is delivered.
 */
class SmtpOutageReliabilityTest {

  private static final int EVENTS = 200;
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("smtp-outage").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void aThirtySecondOutageOpensTheBreakerAndLosesNothing() throws Exception {
    // Step 1: configure the directory, the account, the streams app and a worker
    Load load = new Load("outage", 50);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("outage", ReliabilityCluster.localAccount("relay", smtp.port(), true,
        // above the default 10/s so the backlog drains in seconds once the server is back
        "limits: {ratePerSecond: 50}"), null);
    cluster.startStreams("streams", config);
    cluster.startWorker("worker", config);

    // Step 2: a first batch proves the path, then the server goes down while the rest is published
    load.publish(cluster.clientProperties(), cluster.topics, 0, 20, 50);
    ScenarioSupport.awaitReceived(smtp, load.expected(0, 20), Duration.ofSeconds(60));
    smtp.down();
    Instant downAt = Instant.now();
    CompletableFuture<List<Integer>> rest =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 20, EVENTS, 30);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Await.until(OUTAGE, "a RETRYING status with reason breaker-open while the server is down",
        () -> ScenarioSupport.count(ScenarioSupport.statuses(verifier, cluster), DeliveryState.RETRYING,
            "breaker-open") > 0);
    LockSupport.parkNanos(Duration.between(Instant.now(), downAt.plus(OUTAGE)).toNanos());
    assertThat(smtp.messages()).as("nothing can arrive while the server is down").hasSize(
        load.expected(0, 20).size());
    smtp.up();
    Instant upAt = Instant.now();
    assertThat(rest.get()).hasSize(EVENTS - 20);

    // Step 3: everything arrives after the outage; nothing is dead or missing
    Set<String> expected = load.expected(0, EVENTS);
    ScenarioSupport.awaitReceived(smtp, expected, Duration.ofSeconds(60));
    Duration drain = Duration.between(upAt, Instant.now());
    Verifier.Reconciliation r = verifier.reconcile(expected, smtp.messages());
    List<DeliveryStatus> statuses = ScenarioSupport.statuses(verifier, cluster);
    long breakerOpen = ScenarioSupport.count(statuses, DeliveryState.RETRYING, "breaker-open");
    long refused = ScenarioSupport.count(statuses, DeliveryState.RETRYING, "connection-refused");
    System.out.printf("scenario 4 (SMTP down %d s, %d events; %d breaker-open and %d connection-refused RETRYING "
            + "statuses; drained %.1f s after up): expected %d, sent %d, skipped %d, dead %d, duplicates %d, "
            + "missing %d%n", OUTAGE.toSeconds(), EVENTS, breakerOpen, refused, drain.toMillis() / 1000.0,
        r.expected(), r.sent(), r.skipped(), r.dead(), r.duplicates(), r.missing().size());
    assertThat(breakerOpen).isPositive();
    assertThat(ScenarioSupport.deadLetters(verifier, cluster)).isEmpty();
    assertThat(r.missing()).isEmpty();
    assertThat(r.dead()).isZero();
    assertThat(r.unexpected()).isEmpty();
    assertThat(r.sent()).isEqualTo(expected.size());
  }
}
