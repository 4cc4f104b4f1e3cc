package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 1: the streams app is killed with SIGKILL three times during a 20k-event load. With
 * exactly_once_v2 the send topic, read committed, must hold exactly the expected notifications:
 * none missing, none twice. Each restart is running again well within Kafka Streams' default session
 * of 45 s: the killed instance, which said nothing, is given up after the product's 6 s
 * ({@code StreamsMembership}), and only then is the restart let into the group.
 */
class StreamsCrashReliabilityTest {

  private static final int EVENTS = 20_000;
  /** Well past the 6 s session and the restart's own start-up, well short of a 45 s session. */
  private static final Duration RESUMED_WITHIN = Duration.ofSeconds(30);
  @AutoClose
  private static ReliabilityCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("streams-crash").start();
  }

  @Test
  void threeKillsDuringTheLoadLeaveExactlyTheExpectedNotifications() throws Exception {
    // Step 1: configure the directory and start the streams app in its own process
    Load load = new Load("crash", 500);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("streams", ReliabilityCluster.localAccount("default", 2525, true, null), null);
    ManagedProcess streams = cluster.streams("streams", config).start();
    ReliabilityCluster.awaitRunning(streams);

    // Step 2: produce 20k events over ~16 s and kill -9 the app three times meanwhile
    CompletableFuture<List<Integer>> published =
        load.publishInBackground(cluster.clientProperties(), cluster.topics, 0, EVENTS, 1250);
    List<Duration> resumed = new ArrayList<>();
    for (int kill = 1; kill <= 3; kill++) {
      LockSupport.parkNanos(Duration.ofSeconds(4).toNanos());
      long killed = System.nanoTime();
      streams.kill9();
      streams.start();
      ReliabilityCluster.awaitRunning(streams);
      resumed.add(Duration.ofNanos(System.nanoTime() - killed));
    }
    List<Integer> acknowledged = published.get();
    assertThat(acknowledged).hasSize(EVENTS);

    // Step 3: the send topic holds every expected notification exactly once
    Set<String> expected = load.expected(0, EVENTS);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Map<String, Integer> counts = awaitCounts(verifier, expected.size());
    long duplicates = counts.values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
    long missing = expected.stream().filter(id -> !counts.containsKey(id)).count();
    long unexpected = counts.keySet().stream().filter(id -> !expected.contains(id)).count();
    System.out.printf("scenario 1 (3 x kill -9 of the streams app, %d events): expected %d, in send topic %d, "
        + "duplicates %d, missing %d, unexpected %d%n", EVENTS, expected.size(), counts.size(), duplicates, missing,
        unexpected);
    System.out.printf("scenario 1: running again %s after each kill%n", resumed);
    assertThat(resumed).as("from each kill -9 to the restarted app running (Kafka Streams' default session: 45 s)")
        .allMatch(d -> d.compareTo(RESUMED_WITHIN) < 0);
    assertThat(missing).isZero();
    assertThat(duplicates).isZero();
    assertThat(unexpected).isZero();
  }

  private static Map<String, Integer> awaitCounts(Verifier verifier, int expected) {
    return Await.forValue(Duration.ofMinutes(3), expected + " notification ids in the send topic",
        verifier::sendTopicCounts, counts -> counts.size() >= expected, ScenarioSupport.TOPIC_POLL);
  }
}
