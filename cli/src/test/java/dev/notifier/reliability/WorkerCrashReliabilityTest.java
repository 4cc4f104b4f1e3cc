package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3: one of two workers is killed with SIGKILL while its sends are in flight (the SMTP
 * server takes 20 ms to accept each message); a replacement worker starts at once and, with the
 * survivor, finishes the load. Nothing may be missing.
 *
 * <p><b>The duplicate bound.</b> A worker commits a partition only up to its lowest unfinished
 * record, so after a SIGKILL the new owner redelivers exactly the killed worker's uncommitted
 * records. Those the killed worker had not sent yet are sent once; only those it had already sent
 * (the SMTP server accepted them) come twice. So the bound is the set {@code I} of notifications
 * that (a) are in a send partition the killed worker owned, (b) at or above that partition's
 * committed offset read right after the kill, and (c) had reached the SMTP server by the kill
 * (plus the server's 20 ms accept delay). Every duplicate must be in {@code I}. {@code I} itself
 * is at most the killed worker's sends in progress (its pool size) plus the sends whose outcome was
 * acknowledged since its last commit (one poll loop, about 200 ms of its throughput) and those held
 * behind a lower unfinished offset; all of them were taken from its account lane, so {@code I} stays
 * under the lane's backlog limit plus its pool size, which the test checks too.
 */
class WorkerCrashReliabilityTest {

  private static final int EVENTS = 1_000;
  private static final int EVENTS_PER_SECOND = 60;
  private static final Duration BEFORE_KILL = Duration.ofSeconds(6);
  private static final Duration ACCEPT_DELAY = Duration.ofMillis(20);
  private static final int POOL_SIZE = 4;
  private static final double RATE = 300;
  /**
   * A short backlog (2 s of the account's rate), so workers defer mail to a wait tier during the
   * run. On a revoke, queued mail is handed over through the wait tiers (and so finished), letting
   * the commit pass the deferred records: the next owner must not read them again from the send
   * topic. Before that hand-over existed, this setting made the survivor send 11 to 19 deferred
   * notifications twice.
   */
  private static final Duration BACKLOG = Duration.ofSeconds(2);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("worker-crash").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void aKilledWorkersMailIsFinishedByTheOthersAndOnlyItsInFlightMailComesTwice() throws Exception {
    // Step 1: a slow SMTP server, an account with 4 connections per worker, the streams app and two workers
    Instant began = Instant.now();
    smtp.script().delay(Stage.DATA_END, ACCEPT_DELAY);
    Load load = new Load("crash", 500);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("crash", ReliabilityCluster.localAccount("relay", smtp.port(), true,
        "poolSize: " + POOL_SIZE + ", limits: {ratePerSecond: " + (int) RATE + ", burst: 50}"),
        "backlog: " + BACKLOG.toString());
    cluster.startStreams("streams", config);
    List<ManagedProcess> workers = cluster.startWorkers("worker", 2, config);

    // Step 2: publish 1,000 events over ~17 s; after 6 s kill -9 the worker owning more partitions
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, EVENTS_PER_SECOND);
    LockSupport.parkNanos(BEFORE_KILL.toNanos());
    ManagedProcess victim = ScenarioSupport.busiestWorker(workers);
    Set<TopicPartition> victimOwned = ScenarioSupport.ownedSendPartitions(victim);
    double victimShare = ScenarioSupport.throttleShare(victim);
    int sentBeforeKill = smtp.messages().size();
    victim.kill9();
    Instant killedAt = Instant.now();
    // nobody else commits the victim's partitions until its session times out (6 s): these are its last commits
    Map<TopicPartition, Long> committed = cluster.committedOffsets(ReliabilityCluster.WORKER_GROUP);
    ManagedProcess replacement = cluster.startWorker("replacement", config);
    assertThat(published.get()).hasSize(EVENTS);

    // Step 3: nothing missing; every duplicate is one of the victim's sent-but-uncommitted notifications
    Set<String> expected = load.expected(0, EVENTS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Verifier.Reconciliation r = verifier.awaitReconciled(expected, smtp::messages, Duration.ofSeconds(90));
    Instant settledAt = Instant.now();
    List<ReceivedMessage> received = smtp.messages();
    Set<String> inFlight = inFlightAtKill(verifier, received, victimOwned, committed, killedAt.plus(ACCEPT_DELAY));
    Map<String, List<ReceivedMessage>> duplicates = Verifier.duplicates(received);
    Set<String> outsideBound = new TreeSet<>(duplicates.keySet());
    outsideBound.removeAll(inFlight);
    int backlogLimit = (int) Math.max(4L * POOL_SIZE, Math.ceil(RATE * victimShare * BACKLOG.toSeconds()));
    System.out.printf("scenario 3 (kill -9 of %s owning %s after %d of %d events, %d messages received; "
            + "in flight at the kill (sent, not committed) %d, lane backlog limit %d + pool %d; replacement %s; "
            + "%.0f s): expected %d, sent %d, skipped %d, dead %d, duplicates %d%n",
        victim.name(), victimOwned, (BEFORE_KILL.toSeconds() * EVENTS_PER_SECOND), EVENTS, sentBeforeKill,
        inFlight.size(), backlogLimit, POOL_SIZE, replacement.isAlive() ? "running" : "exited",
        Duration.between(began, settledAt).toMillis() / 1000.0, r.expected(), r.sent(), r.skipped(), r.dead(),
        r.duplicates());
    duplicates.entrySet().stream().limit(5).forEach(e -> System.out.printf("  duplicate %s x%d, Message-ID %s%n",
        e.getKey(), e.getValue().size(), e.getValue().stream().map(m -> m.messageId().orElse("(none)")).distinct()
            .toList()));
    assertThat(r.missing()).as("notifications never delivered").isEmpty();
    assertThat(r.unexpected()).isEmpty();
    assertThat(r.dead()).isZero();
    assertThat(outsideBound).as("duplicates that were not in flight at the killed worker").isEmpty();
    assertThat(r.duplicates()).isLessThanOrEqualTo(inFlight.size());
    assertThat(inFlight.size()).isLessThanOrEqualTo(backlogLimit + POOL_SIZE);
    duplicates.forEach((id, copies) -> {
      assertThat(expected).contains(id);
      assertThat(copies).allSatisfy(m -> {
        assertThat(m.messageId()).isEqualTo(copies.get(0).messageId());
        assertThat(m.recipients()).isEqualTo(copies.get(0).recipients());
      });
    });
  }

  /**
   * The victim's sent-but-uncommitted notifications: in a partition it owned, at or above the
   * committed offset, and received by the server no later than {@code sentBy}.
   */
  private static Set<String> inFlightAtKill(Verifier verifier, List<ReceivedMessage> received,
      Set<TopicPartition> owned, Map<TopicPartition, Long> committed, Instant sentBy) {
    Set<String> sentInTime = new HashSet<>();
    for (ReceivedMessage m : received) {
      if (!m.receivedAt().isAfter(sentBy)) {
        sentInTime.add(Verifier.notificationId(m));
      }
    }
    Set<String> inFlight = new TreeSet<>();
    for (ConsumerRecord<String, Notification> record : verifier.readAll(cluster.topics.send())) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      if (owned.contains(partition) && record.offset() >= committed.getOrDefault(partition, 0L)
          && sentInTime.contains(record.key())) {
        inFlight.add(record.key());
      }
    }
    return inFlight;
  }
}
