package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 11: {@code notifier worker} gets SIGTERM while it sends (a slow SMTP server, a few hundred
 * notifications). Its shutdown hook drains: queued mail is handed over through the wait tiers, the
 * sends in flight finish within {@code worker.drainTimeout}, the offsets are committed, and only then
 * does the JVM exit. A second worker started afterwards finishes the rest. Nothing may be missing,
 * every notification must end SENT, and since the drain was clean nothing may come twice.
 *
 * <p>The first worker's management endpoint is checked on the way (the real process, as Kubernetes
 * probes it): ready once assigned, and its scrape counts the mail it sent.
 */
class WorkerDrainReliabilityTest {

  private static final int EVENTS = 150;
  private static final Duration ACCEPT_DELAY = Duration.ofMillis(60);
  private static final int POOL_SIZE = 2;
  private static final Pattern MANAGEMENT_PORT = Pattern.compile("management endpoint on http://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern DRAINED = Pattern.compile(
      "worker \\S+ drained in \\d+ ms: sends in flight finished, \\d+ queued handed over through the wait tiers, "
          + "offsets committed");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer smtp;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("worker-drain").start();
    smtp = ScriptableSmtpServer.builder().start();
  }

  @Test
  void sigtermDrainsAndTheNextWorkerFinishesWithNothingLostOrDoubled() throws Exception {
    // Step 1: a slow SMTP server (60 ms per message, 2 connections: ~30 messages/s), streams and one worker
    smtp.script().delay(Stage.DATA_END, ACCEPT_DELAY);
    Load load = new Load("drain", 40);
    load.publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("drain", ReliabilityCluster.localAccount("relay", smtp.port(), true,
        "poolSize: " + POOL_SIZE + ", limits: {ratePerSecond: 500, burst: 50}"), null);
    cluster.startStreams("streams", config);
    ManagedProcess first = cluster.startWorker("worker-1", config);
    int port = Integer.parseInt(first.awaitLine(MANAGEMENT_PORT, Duration.ofSeconds(30)));
    Await.until(Duration.ofSeconds(60), "worker-1 ready", () -> get(port, "/health/ready").statusCode() == 200);

    // Step 2: all events at once (a few hundred notifications); SIGTERM once a fifth of them were received
    assertThat(load.publish(cluster.clientProperties(), cluster.topics, 0, EVENTS, 1_000)).hasSize(EVENTS);
    Set<String> expected = load.expected(0, EVENTS);
    Await.until(Duration.ofSeconds(90), "a fifth of the mail received",
        () -> smtp.messages().size() >= expected.size() / 5);
    String scrape = get(port, "/metrics").body();
    double sentByScrape = scrapeValue(scrape, "notifier_sends_total{account=\"relay\",outcome=\"sent\"}");
    int receivedAtTerm = smtp.messages().size();
    boolean exited = first.terminate(Duration.ofSeconds(60));
    int receivedAtExit = smtp.messages().size();

    // Step 3: a second worker finishes the rest
    cluster.startWorker("worker-2", config);
    Verifier verifier = new Verifier(cluster.clientProperties(), cluster.topics);
    Verifier.Reconciliation r = verifier.awaitReconciled(expected, smtp::messages, Duration.ofSeconds(120));
    List<ReceivedMessage> received = smtp.messages();
    Map<String, DeliveryState> last = new HashMap<>();
    for (ConsumerRecord<String, DeliveryStatus> s : verifier.readAll(cluster.topics.status())) {
      last.put(s.key(), s.value().getState());
    }
    Set<String> notSent = new TreeSet<>(expected);
    notSent.removeIf(id -> last.get(id) == DeliveryState.SENT);
    String firstLog = first.currentOutput();
    System.out.printf("scenario 11 (SIGTERM of the only worker after %d of %d messages, %d by its exit; its scrape "
            + "said %.0f sent; %d received in all): %s%n", receivedAtTerm, expected.size(), receivedAtExit,
        sentByScrape, received.size(), r);

    assertThat(exited).as("worker-1 exits within 60 s of SIGTERM").isTrue();
    assertThat(firstLog).as("worker-1 drained cleanly before the JVM exited").containsPattern(DRAINED)
        .doesNotContain("sends unfinished after the drain bound").doesNotContain("did not stop within its drain bound");
    assertThat(receivedAtTerm).as("SIGTERM came mid-way").isLessThan(expected.size());
    assertThat(sentByScrape).as("the scrape counted worker-1's mail").isPositive().isLessThanOrEqualTo(receivedAtTerm);
    assertThat(r.missing()).as("notifications never delivered").isEmpty();
    assertThat(r.unexpected()).isEmpty();
    assertThat(r.dead()).isZero();
    assertThat(notSent).as("notifications whose last status is not SENT").isEmpty();
    assertThat(r.duplicates()).as("a clean drain commits everything it finished: nothing comes twice").isZero();
    assertThat(received).hasSize(expected.size());
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " failed: " + e, e);
    }
  }

  /** The value of one exact series of a Prometheus scrape; 0 when absent. */
  private static double scrapeValue(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(series.length() + 1))).sum();
  }
}
