package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 13: of two workers under a steady load, the one owning more send partitions is killed
 * with SIGKILL. Its partitions' mail must flow again, sent by the survivor, within 10 s of the
 * kill; then a third worker joins and leaves again (SIGTERM). The workers' config passes no Kafka
 * property through, so this holds for the worker's own group settings ({@code GroupMembership},
 * whose javadoc has what this scenario measured with the other settings tried).
 *
 * <p>No rebalance storm: the survivor gives partitions up only when the newcomer takes one, once,
 * and never when the killed worker's partitions come to it. The throttle shares stay whole: the
 * survivor runs at share 1 once it owns every partition, and beside the newcomer the two shares sum
 * to 1.
 */
class WorkerFailoverReliabilityTest {

  private static final Duration RESUME_BOUND = Duration.ofSeconds(10);
  /** Long enough to see a resume that waits for Kafka's default session time-out (45 s). */
  private static final Duration RESUME_WAIT = Duration.ofSeconds(90);
  /**
   * After the killed worker's exit, how long the server may still be reading a message it had
   * written in full: a send from its partitions is taken for another worker's only after this.
   * Far shorter than any session time-out, so it never hides a resume.
   */
  private static final Duration LAST_WORDS = Duration.ofSeconds(1);
  private static final int EVENTS_PER_SECOND = 10;
  private static final int EVENTS = 400;
  private static final Duration BEFORE_KILL = Duration.ofSeconds(5);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("worker-failover").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void aKilledWorkersPartitionsResumeWithinTenSecondsWithoutARebalanceStorm() throws Exception {
    // Step 1: the streams app (the harness's config) and two workers with their own group settings
    Instant began = Instant.now();
    Load load = new Load("failover", 200);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    String account = ReliabilityCluster.localAccount("relay", smtp.port(), true,
        "poolSize: 2, limits: {ratePerSecond: 100, burst: 20}");
    cluster.startStreams("streams", cluster.config("failover-streams", account, null));
    Path config = cluster.config("failover-workers", account, null);
    List<ManagedProcess> workers = cluster.startWorkers("worker", 2, config);

    // Step 2: a steady load; after 5 s kill -9 the worker owning more partitions; wait for their next send
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, EVENTS_PER_SECOND);
    LockSupport.parkNanos(BEFORE_KILL.toNanos());
    ManagedProcess victim = ScenarioSupport.busiestWorker(workers);
    ManagedProcess survivor = workers.stream().filter(w -> w != victim).findFirst().orElseThrow();
    Set<TopicPartition> victimOwned = ScenarioSupport.ownedSendPartitions(victim);
    Instant killedAt = Instant.now();
    victim.kill9();
    Instant othersOnly = Instant.now().plus(LAST_WORDS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Instant resumedAt = Await.forValue(RESUME_WAIT, "a send from " + victimOwned + " after the kill",
        () -> firstSendFrom(verifier, victimOwned, othersOnly), Objects::nonNull, ScenarioSupport.TOPIC_POLL);
    Duration resume = Duration.between(killedAt, resumedAt);
    int revocationsAfterKill = ScenarioSupport.sendRevocations(survivor);
    double survivorShare = ScenarioSupport.throttleShare(survivor);

    // Step 3: a third worker joins; once the two share the partitions, it leaves with SIGTERM
    ManagedProcess newcomer = cluster.startWorker("newcomer", config);
    Await.until(Duration.ofSeconds(60), "the survivor and the newcomer sharing every partition, each throttled at "
        + "its part", () -> sharing(List.of(survivor, newcomer)));
    double sharesTogether = ScenarioSupport.throttleShare(survivor) + ScenarioSupport.throttleShare(newcomer);
    Instant leftAt = Instant.now();
    assertThat(newcomer.terminate(Duration.ofSeconds(30))).as("the newcomer drains and exits on SIGTERM").isTrue();
    Await.until(Duration.ofSeconds(60), "the survivor owning every partition again",
        () -> ScenarioSupport.ownedSendPartitions(survivor).size() == ReliabilityCluster.PARTITIONS);
    Duration handedBack = Duration.between(leftAt, Instant.now());
    assertThat(published.get()).hasSize(EVENTS);

    // Step 4: resumed in time, no storm, whole shares, nothing missing
    Set<String> expected = load.expected(0, EVENTS);
    Verifier.Reconciliation r = verifier.awaitReconciled(expected, smtp::messages, Duration.ofSeconds(120));
    int revocations = ScenarioSupport.sendRevocations(survivor);
    System.out.printf("scenario 13 (kill -9 of %s owning %s; its partitions resumed %.1f s after the kill; survivor "
            + "revocations %d after the kill, %d after a worker joined and left; survivor share %.3f alone, "
            + "%.3f with the newcomer; the newcomer's partitions back %.1f s after its SIGTERM; %.0f s): %s%n",
        victim.name(), victimOwned, resume.toMillis() / 1000.0, revocationsAfterKill, revocations, survivorShare,
        sharesTogether, handedBack.toMillis() / 1000.0, Duration.between(began, Instant.now()).toMillis() / 1000.0, r);
    assertThat(resume).as("from the kill to the first send from %s", victimOwned).isLessThan(RESUME_BOUND);
    assertThat(revocationsAfterKill).as("the survivor's revocations when the killed worker's partitions came to it")
        .isZero();
    assertThat(revocations).as("the survivor's revocations after a worker joined and left").isEqualTo(1);
    assertThat(survivorShare).isEqualTo(1.0);
    assertThat(sharesTogether).isCloseTo(1.0, Offset.offset(1e-3));
    assertThat(r.missing()).as("notifications never delivered").isEmpty();
    assertThat(r.unexpected()).isEmpty();
    assertThat(r.dead()).isZero();
  }

  /**
   * Whether {@code workers} each own some send partitions, together all of them, and each runs its
   * throttles at its part (as its last logged share).
   */
  private static boolean sharing(List<ManagedProcess> workers) {
    Set<TopicPartition> all = new HashSet<>();
    for (ManagedProcess worker : workers) {
      Set<TopicPartition> owned = ScenarioSupport.ownedSendPartitions(worker);
      double part = owned.size() / (double) ReliabilityCluster.PARTITIONS;
      if (owned.isEmpty() || Math.abs(ScenarioSupport.throttleShare(worker) - part) > 1e-3) {
        return false;
      }
      all.addAll(owned);
    }
    return all.size() == ReliabilityCluster.PARTITIONS;
  }

  /** When the server first received a notification of {@code partitions} after {@code after}; null if not yet. */
  private static Instant firstSendFrom(Verifier verifier, Set<TopicPartition> partitions, Instant after) {
    List<ReceivedMessage> since = smtp.messages().stream().filter(m -> m.receivedAt().isAfter(after)).toList();
    if (since.isEmpty()) {
      return null;
    }
    Set<String> ids = verifier.readAll(cluster.topics.send()).stream()
        .filter(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())))
        .map(ConsumerRecord::key).collect(Collectors.toSet());
    return since.stream().filter(m -> ids.contains(Verifier.notificationId(m))).map(ReceivedMessage::receivedAt)
        .min(Comparator.naturalOrder()).orElse(null);
  }
}
