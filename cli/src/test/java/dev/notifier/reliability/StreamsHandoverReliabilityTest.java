package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.ConsumerGroups;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 16: the streams app scaled 1 → 2 → 1 under load, as a rolling restart or a scale-down does it: a second
 * instance joins, then the first gets SIGTERM. The first leaves the group as it stops (its stream threads say so), so
 * its tasks go to the second at once rather than after its session; and the send topic holds exactly the expected
 * notifications, none missing, none twice. Kafka Streams' own close does not leave: the stopped instance would stay
 * a member, holding its tasks' mail, until its session passed.
 */
class StreamsHandoverReliabilityTest {

  private static final String GROUP = "reliability-streams";
  private static final int EVENTS = 6_000;
  private static final int PER_SECOND = 400;
  /** Well short of the 5 s at least that a member which did not leave stays after its process exits. */
  private static final Duration LEFT_WITHIN = Duration.ofSeconds(2);
  @AutoClose
  private static ReliabilityCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("streams-handover").start();
  }

  @Test
  void anInstanceStoppedUnderLoadHandsItsTasksOverAtOnceAndNothingIsLostOrDoubled() throws Exception {
    // Step 1: one instance, a steady load
    Load load = new Load("handover", 300);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    String account = ReliabilityCluster.localAccount("default", 2525, true, null);
    ManagedProcess first = cluster.startStreams("streams-a", cluster.config("streams-a", account, null));
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, PER_SECOND);

    try (Admin admin = Admin.create(cluster.clientProperties())) {
      // Step 2: a second instance joins under the load
      LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
      ManagedProcess second = cluster.startStreams("streams-b", cluster.config("streams-b", account, null));
      Await.until(Duration.ofSeconds(30), "two members", () -> ConsumerGroups.members(admin, GROUP) == 2);

      // Step 3: the first gets SIGTERM; by its exit it is no member, or within moments: it left, it did not time
      // out (a member that only stops heartbeating stays for its 6 s session, its last beat up to 1 s before)
      LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
      long terminating = System.nanoTime();
      assertThat(first.terminate(Duration.ofSeconds(45))).as("streams-a exits on SIGTERM").isTrue();
      double closing = (System.nanoTime() - terminating) / 1e9;
      long exited = System.nanoTime();
      int membersAtExit = ConsumerGroups.members(admin, GROUP);
      Await.until(LEFT_WITHIN, "streams-a out of " + GROUP + " after its exit",
          () -> ConsumerGroups.members(admin, GROUP) == 1);
      System.out.printf("scenario 16: streams-a closed in %.1f s; members at its exit %d, one %.1f s after%n",
          closing, membersAtExit, (System.nanoTime() - exited) / 1e9);
      assertThat(second.isAlive()).isTrue();
    }

    // Step 4: exactly the expected notifications
    assertThat(published.get()).hasSize(EVENTS);
    Set<String> expected = load.expected(0, EVENTS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Map<String, Integer> counts = Await.forValue(Duration.ofMinutes(2), expected.size() + " notifications",
        verifier::sendTopicCounts, c -> c.keySet().containsAll(expected), ScenarioSupport.TOPIC_POLL);
    long duplicates = counts.values().stream().filter(c -> c > 1).count();
    long unexpected = counts.keySet().stream().filter(id -> !expected.contains(id)).count();
    System.out.printf("scenario 16 (streams 1 -> 2 -> 1 under %d events at %d/s): expected %d, in send topic %d, "
        + "duplicates %d, unexpected %d%n", EVENTS, PER_SECOND, expected.size(), counts.size(), duplicates, unexpected);
    assertThat(duplicates).isZero();
    assertThat(unexpected).isZero();
  }

}
