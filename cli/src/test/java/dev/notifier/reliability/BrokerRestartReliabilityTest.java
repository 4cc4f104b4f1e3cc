package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2: the broker is stopped (SIGTERM) in the middle of a 2,000-event load (about 4,000
 * notifications) and restarted on the same ports and data a few seconds later, while the streams
 * app and two workers run in their own processes. The upstream producer rides the outage
 * (delivery.timeout 120 s), so every event is acknowledged; every acknowledged event's
 * notifications must then reach the SMTP server.
 *
 * <p>Duplicates are allowed only for mail in flight during the outage: a worker that has sent a
 * message but cannot get its SENT status acknowledged, or its offset committed, may see that
 * record again if it loses its partitions. So every duplicate's first copy must have arrived in
 * the outage window — from a little before the stop until the workers' commits can succeed again
 * — and the duplicates are at most the mail that arrived in that window.
 */
class BrokerRestartReliabilityTest {

  private static final int EVENTS = 2_000;
  private static final int EVENTS_PER_SECOND = 200;
  private static final Duration BEFORE_STOP = Duration.ofSeconds(3);
  private static final Duration OUTAGE = Duration.ofSeconds(5);
  /** Mail accepted this long before the stop can still have its outcome unacknowledged when the broker goes. */
  private static final Duration IN_FLIGHT_BEFORE_STOP = Duration.ofSeconds(2);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("broker-restart").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void aBrokerRestartMidLoadLosesNoAcknowledgedEvent() throws Exception {
    // Step 1: configure the directory, an account fast enough not to throttle, streams app and two workers
    Instant began = Instant.now();
    Load load = new Load("restart", 500);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("restart", ReliabilityCluster.localAccount("relay", smtp.port(), true,
        "poolSize: 4, limits: {ratePerSecond: 2000, burst: 200}"), null);
    cluster.startStreams("streams", config);
    List<ManagedProcess> workers = cluster.startWorkers("worker", 2, config);

    // Step 2: publish 2,000 events over ~10 s; stop the broker after 3 s and start it again 5 s later
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, EVENTS_PER_SECOND);
    LockSupport.parkNanos(BEFORE_STOP.toNanos());
    Instant stoppedAt = Instant.now();
    cluster.stopBroker();
    Instant downAt = Instant.now();
    LockSupport.parkNanos(OUTAGE.toNanos());
    cluster.startBroker();
    Instant upAt = Instant.now();
    List<Integer> acknowledged = published.get();
    assertThat(acknowledged).as("the producer rides a %d s outage", OUTAGE.toSeconds()).hasSize(EVENTS);
    assertThat(workers).allMatch(ManagedProcess::isAlive);

    // Step 3: every acknowledged event's notifications arrive; duplicates only of mail in flight in the outage
    Set<String> expected = load.expected(0, EVENTS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Verifier.Reconciliation r = verifier.awaitReconciled(expected, smtp::messages, Duration.ofSeconds(90));
    Instant settledAt = Instant.now();
    List<ReceivedMessage> received = smtp.messages();
    Map<String, List<ReceivedMessage>> duplicates = Verifier.duplicates(received);
    Instant windowStart = stoppedAt.minus(IN_FLIGHT_BEFORE_STOP);
    Instant windowEnd = lastCommitFailure(workers).orElse(upAt);
    long inWindow = received.stream().filter(m -> !m.receivedAt().isBefore(windowStart)
        && !m.receivedAt().isAfter(windowEnd)).count();
    long firstCopyOutsideWindow = duplicates.values().stream().map(copies -> copies.get(0).receivedAt())
        .filter(at -> at.isBefore(windowStart) || at.isAfter(windowEnd)).count();
    System.out.printf("scenario 2 (broker SIGTERM after %d s of a %d-event load, down %.1f s, restart took %.1f s; "
            + "in-flight window %.1f s with %d messages; %d duplicated ids, first copies outside the window %d; "
            + "%.0f s): expected %d, sent %d, skipped %d, dead %d, duplicates %d%n",
        BEFORE_STOP.toSeconds(), EVENTS, Duration.between(stoppedAt, upAt).toMillis() / 1000.0,
        Duration.between(downAt.plus(OUTAGE), upAt).toMillis() / 1000.0,
        Duration.between(windowStart, windowEnd).toMillis() / 1000.0, inWindow, duplicates.size(),
        firstCopyOutsideWindow, Duration.between(began, settledAt).toMillis() / 1000.0, r.expected(), r.sent(),
        r.skipped(), r.dead(), r.duplicates());
    duplicates.entrySet().stream().limit(5).forEach(e -> System.out.printf("  duplicate %s x%d at %s after the stop%n",
        e.getKey(), e.getValue().size(), e.getValue().stream()
            .map(m -> Duration.between(stoppedAt, m.receivedAt()).toMillis() + " ms").toList()));
    assertThat(r.missing()).as("acknowledged events' notifications not delivered").isEmpty();
    assertThat(r.unexpected()).isEmpty();
    assertThat(r.dead()).isZero();
    assertThat(firstCopyOutsideWindow).as("duplicates of mail that was not in flight during the outage").isZero();
    assertThat((long) r.duplicates()).as("duplicates beyond the mail in flight during the outage")
        .isLessThanOrEqualTo(inWindow);
  }

  /**
   * The last time a worker logged that a commit failed: until then the workers' progress was not
   * durable, so mail sent up to then may come again. Log times are HH:mm:ss.SSS of today, local time.
   */
  private static java.util.Optional<Instant> lastCommitFailure(List<ManagedProcess> workers) {
    java.util.regex.Pattern line = java.util.regex.Pattern.compile(
        "(?m)^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*(commit failed|commit on revoke failed|final commit failed|lost \\[)");
    Instant latest = null;
    for (ManagedProcess worker : workers) {
      var m = line.matcher(worker.currentOutput());
      while (m.find()) {
        Instant at = java.time.LocalDate.now().atTime(java.time.LocalTime.parse(m.group(1)))
            .atZone(java.time.ZoneId.systemDefault()).toInstant();
        if (latest == null || at.isAfter(latest)) {
          latest = at;
        }
      }
    }
    return java.util.Optional.ofNullable(latest);
  }
}
