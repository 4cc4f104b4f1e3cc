package dev.notifier.reliability;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Transcript;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What scenarios 3 to 13 share beyond the harness: events for a chosen team and recipients,
 * raw publishing, a config with another retry lifetime, bounded waits, a worker's partitions and
 * throttle share as its log tells them, reading the ledger and the dead letters, the SMTP servers'
 * transcripts, and a process's management endpoint. No sleeps: every wait is the testkit's {@link Await}.
 */
final class ScenarioSupport {

  private static final Pattern OWNERSHIP = Pattern.compile("send: (assigned|revoked|lost) \\[([^\\]]*)\\]");
  private static final Pattern SHARE = Pattern.compile("owns \\d+ of \\d+ send partitions: throttle share (\\S+)");
  /** How often a wait re-reads a whole topic. */
  static final Duration TOPIC_POLL = Duration.ofSeconds(1);
  private static final Pattern MANAGEMENT_PORT = Pattern.compile("management endpoint on http://127\\.0\\.0\\.1:(\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ScenarioSupport() {
  }

  /**
   * The harness's config with another retry lifetime: {@link ReliabilityCluster#config} fixes
   * {@code worker.retry.lifetime} at PT10M, so the written file is rewritten at that one key.
   */
  static Path config(ReliabilityCluster cluster, String name, String accounts, Duration lifetime) throws IOException {
    return rewrite(cluster.config(name, accounts, null), "lifetime: PT10M", "lifetime: " + lifetime);
  }

  /**
   * The config file {@code file} with another breaker {@code openFor}: {@link ReliabilityCluster#config} fixes
   * {@code worker.breaker.openFor} at PT1S, so the file is rewritten at that one key.
   */
  static Path withBreakerOpenFor(Path file, Duration openFor) throws IOException {
    return rewrite(file, "openFor: PT1S", "openFor: " + openFor);
  }

  /**
   * {@code file} with its text {@code harness} (as {@link ReliabilityCluster#config} writes it) made {@code wanted};
   * fails if the harness no longer writes it.
   */
  private static Path rewrite(Path file, String harness, String wanted) throws IOException {
    String yaml = Files.readString(file, StandardCharsets.UTF_8);
    String changed = yaml.replace(harness, wanted);
    if (changed.equals(yaml)) {
      throw new IllegalStateException("the harness config no longer has '" + harness + "'; update ScenarioSupport");
    }
    Files.writeString(file, changed, StandardCharsets.UTF_8);
    return file;
  }

  /** The process's log since its last start (log files are appended to across runs and restarts). */
  static String log(ManagedProcess process) {
    try {
      String all = Files.readString(process.log(), StandardCharsets.UTF_8);
      int start = all.lastIndexOf("=== start ");
      return start < 0 ? all : all.substring(start);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + process.log(), e);
    }
  }

  // --- the management endpoint

  /** The port a notifier process logged its management endpoint on; fails if the process exits first. */
  static int managementPort(ManagedProcess process) {
    return Integer.parseInt(process.awaitLine(MANAGEMENT_PORT, Duration.ofSeconds(60)));
  }

  /** GET {@code path} of the management endpoint on {@code port} of this machine. */
  static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " failed: " + e, e);
    }
  }

  // --- events

  /** A bug.assigned event for {@code team}, to {@code to} and cc {@code cc} (user ids), acted by "robot". */
  static String eventJson(String eventId, String team, String to, String cc) {
    return "{\"eventId\":\"" + eventId + "\",\"type\":\"bug.assigned\",\"source\":\"zentao\",\"team\":\"" + team
        + "\",\"occurredAt\":\"2026-11-21T10:00:00Z\",\"actor\":{\"userId\":\"robot\"},"
        + "\"subject\":{\"kind\":\"bug\",\"id\":\"" + eventId + "\",\"title\":\"Scenario " + eventId + "\"},"
        + "\"to\":[{\"userId\":\"" + to + "\"}],\"cc\":[{\"userId\":\"" + cc + "\"}]}";
  }

  /** Events {@code prefix-0..n-1} of {@code team}, each to u(i%users) and cc u((i+1)%users); their notification ids. */
  static Set<String> publishTeamEvents(ReliabilityCluster cluster, String prefix, String team, int n, int users)
      throws Exception {
    Set<String> ids = new LinkedHashSet<>();
    try (KafkaProducer<String, byte[]> producer = Load.producer(cluster.clientProperties())) {
      for (int i = 0; i < n; i++) {
        String id = prefix + "-" + i;
        String to = "u" + (i % users);
        String cc = "u" + ((i + 1) % users);
        producer.send(new ProducerRecord<>(cluster.topics.events().name(), id,
            eventJson(id, team, to, cc).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        ids.add(NotificationIds.forAddress(id, Load.address(to), Load.TEMPLATE));
        ids.add(NotificationIds.forAddress(id, Load.address(cc), Load.TEMPLATE));
      }
    }
    return ids;
  }

  /** Publishes one record and waits for the broker's acknowledgement. */
  static void publishRaw(Properties client, String topic, String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> producer = Load.producer(client)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
    }
  }

  // --- waiting

  /** Waits until the server has received every one of {@code ids} (by Message-ID). */
  static void awaitReceived(ScriptableSmtpServer smtp, Set<String> ids, Duration timeout) {
    Await.forValue(timeout, "all " + ids.size() + " notifications at " + smtp + " (the value: those not received)",
        () -> notReceived(smtp, ids), Set::isEmpty);
  }

  /** Reads the dead-letter topic until it holds a dead letter for each of {@code ids}; all the dead letters. */
  static List<DeadLetter> awaitDeadLetters(Verifier verifier, ReliabilityCluster cluster, Set<String> ids,
      Duration timeout) {
    return Await.forValue(timeout, "dead letters for " + ids, () -> deadLetters(verifier, cluster),
        letters -> letters.stream().map(d -> d.getNotification().getNotificationId()).collect(Collectors.toSet())
            .containsAll(ids), TOPIC_POLL);
  }

  private static Set<String> notReceived(ScriptableSmtpServer smtp, Set<String> ids) {
    Set<String> missing = new TreeSet<>(ids);
    missing.removeAll(smtp.messages().stream().map(Verifier::notificationId).collect(Collectors.toSet()));
    return missing;
  }

  // --- a worker's partitions, as its log tells them

  /** The send partitions a worker owns now, replayed from its log (assigned, revoked and lost are deltas). */
  static Set<TopicPartition> ownedSendPartitions(ManagedProcess worker) {
    Map<String, TopicPartition> owned = new HashMap<>();
    Matcher m = OWNERSHIP.matcher(worker.currentOutput());
    while (m.find()) {
      for (String name : m.group(2).split(",\\s*")) {
        if (name.isBlank()) {
          continue;
        }
        int dash = name.lastIndexOf('-');
        TopicPartition partition =
            new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        if (m.group(1).equals("assigned")) {
          owned.put(name, partition);
        } else {
          owned.remove(name);
        }
      }
    }
    return new HashSet<>(owned.values());
  }

  /** The worker that owns the most send partitions now. */
  static ManagedProcess busiestWorker(List<ManagedProcess> workers) {
    return workers.stream().max(Comparator.comparingInt(w -> ownedSendPartitions(w).size())).orElseThrow();
  }

  /**
   * How often a worker (since its last start) gave up send partitions, revoked or lost: a rebalance
   * storm shows here.
   */
  static int sendRevocations(ManagedProcess worker) {
    Matcher m = OWNERSHIP.matcher(worker.currentOutput());
    int revocations = 0;
    while (m.find()) {
      revocations += m.group(1).equals("assigned") ? 0 : 1;
    }
    return revocations;
  }

  /** The worker's last logged throttle share (0 before its first assignment). */
  static double throttleShare(ManagedProcess worker) {
    Matcher m = SHARE.matcher(worker.currentOutput());
    double share = 0;
    while (m.find()) {
      share = Double.parseDouble(m.group(1));
    }
    return share;
  }

  // --- the ledger and the dead letters

  static List<DeliveryStatus> statuses(Verifier verifier, ReliabilityCluster cluster) {
    return verifier.readAll(cluster.topics.status()).stream().map(ConsumerRecord::value).toList();
  }

  static List<DeadLetter> deadLetters(Verifier verifier, ReliabilityCluster cluster) {
    return verifier.readAll(cluster.topics.deadLetters()).stream().map(ConsumerRecord::value).toList();
  }

  static long count(List<DeliveryStatus> statuses, DeliveryState state, String reason) {
    return statuses.stream().filter(s -> s.getState() == state && (reason == null || reason.equals(s.getReason())))
        .count();
  }

  // --- the SMTP side

  /** Every transcript line of every connection the server saw. */
  static List<String> transcriptLines(ScriptableSmtpServer smtp) {
    List<String> lines = new ArrayList<>();
    for (Transcript t : smtp.transcripts()) {
      lines.addAll(t.lines());
    }
    return lines;
  }

  /** Client lines that start a mail transaction or carry mail: MAIL, RCPT, DATA, or message data. */
  static List<String> mailCommands(ScriptableSmtpServer smtp) {
    return transcriptLines(smtp).stream()
        .filter(l -> l.matches("(?i)C: (MAIL|RCPT|DATA|BDAT).*") || l.startsWith("C: <message data"))
        .toList();
  }

  /** The certificate as PEM, the way an operator would save a relay's certificate for trustCertificate. */
  static Path writePem(X509Certificate certificate, Path file) throws IOException {
    try {
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(certificate.getEncoded());
      Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n",
          StandardCharsets.US_ASCII);
      return file;
    } catch (CertificateEncodingException e) {
      throw new IOException("cannot encode the certificate", e);
    }
  }
}
