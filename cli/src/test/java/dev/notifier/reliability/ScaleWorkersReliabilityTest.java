package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
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
 * Scenario 10: one account limited to 40 messages/s with a burst of 5; under a load a little above
 * that rate, the workers are scaled 1 → 3 (two started) → 1 (two stopped with SIGTERM, which
 * drains: queued mail handed back, sends in flight finished, offsets committed).
 *
 * <p>Graceful scaling moves partitions only through revoke-with-commit, so nothing may be missing
 * and nothing may come twice. And the account's limit holds across the workers: each throttles at
 * its share of the send partitions, cooperative-sticky never gives a partition to two workers at
 * once, so the rates never sum above 40/s and the buckets never above 5 messages: the workers take
 * at most rate + burst = 45 permissions to send in any one second.
 *
 * <p><b>What the server may count.</b> A permission is taken when a send starts
 * ({@code AccountLane.process}: {@code throttle.tryAcquire(partition)}, then the SMTP transaction); the
 * server counts a message when it accepts it, at the end. A one-second window at the server holds
 * the sends that started in it and finished in it, plus those that had started before it and
 * finished inside — at most one per sending thread, since a thread has one send in progress at a
 * time. With {@code poolSize: 1} that is one per running worker; so a server-side second may hold
 * at most rate + burst + workers running then (46 with one worker, 48 with three). On a loaded
 * host this is not hypothetical: a worker stalled for a few hundred ms finishes the send it had
 * started together with the burst its bucket allows right after, and the log shows exactly that.
 */
class ScaleWorkersReliabilityTest {

  private static final int RATE = 40;
  private static final int BURST = 5;
  /** One sending thread per worker: at most one send per worker in progress across a window's start. */
  private static final int POOL_SIZE = 1;
  /** 25 events/s = 50 notifications/s, a little above the rate, so the throttle binds throughout. */
  private static final int EVENTS_PER_SECOND = 25;
  private static final int EVENTS = 400;
  private static final Duration BEFORE_SCALE_UP = Duration.ofSeconds(5);
  private static final Duration AT_THREE = Duration.ofSeconds(6);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("scale-workers").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void scalingOneToThreeToOneLosesNothingDuplicatesNothingAndKeepsTheAccountLimit() throws Exception {
    // Step 1: one limited account, the streams app and one worker
    Instant began = Instant.now();
    Load load = new Load("scale", 500);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("scale", ReliabilityCluster.localAccount("limited", smtp.port(), true,
        "poolSize: " + POOL_SIZE + ", limits: {ratePerSecond: " + RATE + ", burst: " + BURST + "}"), null);
    cluster.startStreams("streams", config);
    ManagedProcess first = cluster.startWorker("worker-1", config);

    // Step 2: a paced load of ~50 notifications/s for 16 s; scale to three workers, then back to one
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, EVENTS_PER_SECOND);
    LockSupport.parkNanos(BEFORE_SCALE_UP.toNanos());
    Instant scaleUpAt = Instant.now();
    List<ManagedProcess> extra = cluster.startWorkers("worker-extra", 2, config);
    Instant atThreeAt = Instant.now();
    LockSupport.parkNanos(AT_THREE.toNanos());
    Instant scaleDownAt = Instant.now();
    for (ManagedProcess worker : extra) {
      assertThat(worker.terminate(Duration.ofSeconds(30))).as("%s drains and exits on SIGTERM", worker.name())
          .isTrue();
    }
    Instant atOneAt = Instant.now();
    assertThat(published.get()).hasSize(EVENTS);
    assertThat(first.isAlive()).isTrue();

    // Step 3: nothing missing, nothing twice, and no one-second window above rate + burst
    Set<String> expected = load.expected(0, EVENTS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Verifier.Reconciliation r = verifier.awaitReconciled(expected, smtp::messages, Duration.ofSeconds(60));
    Instant settledAt = Instant.now();
    List<ReceivedMessage> received = smtp.messages();
    Window busiest = busiestSecond(received, at -> RATE + BURST
        + POOL_SIZE * (at.isBefore(scaleUpAt) || at.isAfter(atOneAt) ? 1 : 1 + extra.size()));
    Instant firstAt = received.get(0).receivedAt();
    Instant lastAt = received.get(received.size() - 1).receivedAt();
    System.out.printf("scenario 10 (1 -> 3 -> 1 workers, account %d/s burst %d, %d events at %d/s; scale-up at "
            + "+%.1f s, three running at +%.1f s, scale-down at +%.1f s, one at +%.1f s; busiest second %d messages "
            + "from +%.1f s (allowed %d), worst margin %d, envelope spread %.0f ms; mean %.1f/s over %.1f s; %.0f s): expected %d, sent %d, skipped %d, dead %d, "
            + "duplicates %d%n", RATE, BURST, EVENTS, EVENTS_PER_SECOND, since(began, scaleUpAt),
        since(began, atThreeAt), since(began, scaleDownAt), since(began, atOneAt), busiest.count(),
        since(began, busiest.start()), busiest.allowed(),
        busiest.worstMargin(), envelopeSpread(received) * 1000, received.size() / Math.max(0.001, since(firstAt, lastAt)),
        since(firstAt, lastAt), since(began, settledAt), r.expected(), r.sent(), r.skipped(), r.dead(),
        r.duplicates());
    assertThat(r.missing()).as("notifications never delivered").isEmpty();
    assertThat(r.unexpected()).isEmpty();
    assertThat(r.dead()).isZero();
    assertThat(r.duplicates()).as("duplicates after graceful scaling").isZero();
    assertThat(busiest.worstMargin()).as("messages above rate + burst + sends in progress in some second (the "
        + "busiest: %d from %s, allowed %d)", busiest.count(), busiest.start(), busiest.allowed()).isLessThanOrEqualTo(0);
  }

  /**
   * How much earlier than a perfect token bucket (burst, then rate per second) allows the server
   * accepted some run of messages, in seconds: the spread of acquire-to-accept latency the
   * observations need, if the throttle held at the worker. O(n): for each j, the best i maximises
   * t_i - i/rate.
   */
  static double envelopeSpread(List<ReceivedMessage> received) {
    List<Instant> times = received.stream().map(ReceivedMessage::receivedAt).sorted().toList();
    double worst = Double.NEGATIVE_INFINITY;
    double bestStart = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < times.size(); j++) {
      double tj = seconds(times.get(j));
      bestStart = Math.max(bestStart, tj - j / (double) RATE);
      // (j - i + 1 - burst) / rate - (tj - ti) with ti - i / rate = bestStart
      worst = Math.max(worst, (j + 1 - BURST) / (double) RATE - tj + bestStart);
    }
    return worst;
  }

  private static double seconds(Instant at) {
    return at.getEpochSecond() + at.getNano() / 1e9;
  }

  /**
   * The most messages the server accepted within one second, when that second began and what was
   * allowed then; and the worst margin over all seconds (count minus allowed; positive = too many).
   */
  record Window(int count, Instant start, int allowed, int worstMargin) {
  }

  static Window busiestSecond(List<ReceivedMessage> received, java.util.function.ToIntFunction<Instant> allowed) {
    List<Instant> times = received.stream().map(ReceivedMessage::receivedAt).sorted().toList();
    Window best = new Window(0, null, 0, Integer.MIN_VALUE);
    int worst = Integer.MIN_VALUE;
    int end = 0;
    for (int start = 0; start < times.size(); start++) {
      Instant limit = times.get(start).plusSeconds(1);
      while (end < times.size() && times.get(end).isBefore(limit)) {
        end++;
      }
      int count = end - start;
      int allowedThen = allowed.applyAsInt(times.get(start));
      worst = Math.max(worst, count - allowedThen);
      if (count > best.count()) {
        best = new Window(count, times.get(start), allowedThen, 0);
      }
    }
    return new Window(best.count(), best.start(), best.allowed(), worst);
  }

  private static double since(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
