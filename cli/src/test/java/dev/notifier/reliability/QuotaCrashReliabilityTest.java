package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 17: a worker is killed with SIGKILL after the SMTP server took a mail of an account with a day quota of
 * 9 but before its reply arrived: the provider counts that mail, and the worker never learned of it, so it never
 * wrote the usage record it writes after a send. A replacement worker takes over with 21 more mails waiting. The
 * server must count no more than the day's 9, the taken mail among them, although the replacement sends that
 * mail again (its offset was never committed). Every send is reserved on the usage topic before it starts, and a
 * reservation nothing settles counts; before that, the server counted 10. The killed worker may have pipelined the
 * event's other mail with the taken one, whose reservation then counts too: the server counts 8 or 9.
 */
class QuotaCrashReliabilityTest {

  private static final int PER_DAY = 9;
  private static final Duration SETTLE = Duration.ofSeconds(90);
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("quota-crash").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void aWorkerKilledAfterTheServerTookAMailNeverLetsTheAccountPastItsDayQuota() throws Exception {
    // Step 1: 9 a day over the 3 send partitions (3 each, no critical reserve); one connection; a reply may take 5 min
    Load load = new Load("quota", 40);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("quota", ReliabilityCluster.localAccount("relay", smtp.port(), true,
        "poolSize: 1, finalReplyTimeout: PT5M, limits: {ratePerSecond: 50, burst: 10, perDay: " + PER_DAY
            + ", criticalReserve: 0}"), null);
    cluster.startStreams("streams", config);
    ManagedProcess victim = cluster.startWorker("worker", config);

    // Step 2: one event (2 mails) sent; then the server takes the next mail and never answers; kill -9
    load.publish(cluster.clientProperties(), cluster.topics, 0, 1, 100);
    Await.until(SETTLE, "the first 2 mails at the server", () -> smtp.messageCount() == 2);
    smtp.script().takeWithoutAnswer();
    load.publish(cluster.clientProperties(), cluster.topics, 1, 2, 100);
    Await.until(SETTLE, "a third mail taken without an answer", () -> smtp.messageCount() == 3);
    victim.kill9();

    // Step 3: the server answers again; a replacement worker, and 10 more events (20 mails)
    smtp.script().clear();
    cluster.startWorker("replacement", config);
    load.publish(cluster.clientProperties(), cluster.topics, 2, 12, 100);

    // Step 4: every mail SENT or waiting for tomorrow; the server holds the day's 9, not one more
    Set<String> expected = load.expected(0, 12);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Map<String, Long> states = Await.forValue(SETTLE, "every mail SENT or waiting for the quota", () -> states(
        verifier, expected), s -> s.getOrDefault("SENT", 0L) + s.getOrDefault("RETRYING throttled", 0L)
        == expected.size());
    System.out.printf("scenario 17 (kill -9 of a worker after the server took a mail it never heard of; %d a day): "
        + "%d mails, at the server %d, ledger %s%n", PER_DAY, expected.size(), smtp.messageCount(), states);
    // the killed worker may have pipelined the event's other mail with the taken one: its reservation counts too
    assertThat(smtp.messageCount()).as("messages the server took in the day").isBetween(PER_DAY - 1, PER_DAY);
  }

  /** Each expected mail's latest state in the ledger ("RETRYING throttled" for mail waiting on a quota). */
  private static Map<String, Long> states(Verifier verifier, Set<String> expected) {
    Map<String, DeliveryStatus> latest = new HashMap<>();
    for (ConsumerRecord<String, DeliveryStatus> r : verifier.readAll(cluster.topics.status())) {
      if (expected.contains(r.key())) {
        latest.put(r.key(), r.value());
      }
    }
    return latest.values().stream().collect(Collectors.groupingBy(
        s -> s.getState() + (s.getState() == DeliveryState.RETRYING && s.getReason() != null ? " " + s.getReason() : ""),
        TreeMap::new, Collectors.counting()));
  }
}
