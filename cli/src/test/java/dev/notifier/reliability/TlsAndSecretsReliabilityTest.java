package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.smtp.TlsMode;
import dev.notifier.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scenarios 11 and 12. Every account logs in as "robot" with a password read from a file
 * ({@code passwordFile}; the harness starts processes with the test JVM's environment, so
 * {@code passwordEnv} cannot be given a value here).
 *
 * <ul>
 *   <li>11: {@code security: ssl} against implicit TLS whose certificate names "wrong.example"
 *       (trusted through {@code trustCertificate}, so only the name is wrong), and
 *       {@code security: starttls} against a server that does not offer STARTTLS: both fail
 *       (RETRYING), and neither server sees MAIL, RCPT, DATA, AUTH or a byte of the message.
 *   <li>12: after mail was delivered with AUTH and refused with 535, the password, its base64 and
 *       the base64 of the AUTH PLAIN response appear in no process log (of this class and every other
 *       reliability class run before it in this build), no dead letter or status record, and no
 *       SMTP transcript. Metrics do not exist yet (a later issue); when they do, their output belongs
 *       in this check too.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsAndSecretsReliabilityTest {

  private static final String USER = "robot";
  private static final String PASSWORD = "S3cr3t-Pa55-xyz";
  private static final int USERS = 10;
  @AutoClose
  private static ReliabilityCluster cluster;
  @AutoClose
  private static ScriptableSmtpServer wrongName;
  @AutoClose
  private static ScriptableSmtpServer noStartTls;
  @AutoClose
  private static ScriptableSmtpServer loginOk;
  @AutoClose
  private static ScriptableSmtpServer loginRefused;
  private static Verifier verifier;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReliabilityCluster("tls-secrets").start();
    wrongName = ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT).certificateHost("wrong.example")
        .user(USER, PASSWORD).requireAuth(true).start();
    noStartTls = ScriptableSmtpServer.builder().tls(TlsMode.STARTTLS).advertiseStartTls(false)
        .user(USER, PASSWORD).requireAuth(true).start();
    loginOk = ScriptableSmtpServer.builder().user(USER, PASSWORD).requireAuth(true).start();
    loginRefused = ScriptableSmtpServer.builder().user(USER, PASSWORD).requireAuth(true).start();
    loginRefused.script().at(Stage.AUTH).reply("535 5.7.8 Error: authentication failed").always();

    Path passwordFile = Files.writeString(cluster.dir.resolve("robot.password"), PASSWORD + "\n");
    Path pem = ScenarioSupport.writePem(wrongName.certificate().certificate(), cluster.dir.resolve("wrong.pem"));
    String login = "username: " + USER + ", passwordFile: \"" + passwordFile + "\"";
    // the two plain loopback servers take a login without TLS only because the accounts allow it
    String plainLogin = login + ", allowPlaintextAuth: true";
    String accounts = ReliabilityCluster.localAccount("login-ok", loginOk.port(), true, plainLogin)
        + ReliabilityCluster.localAccount("login-refused", loginRefused.port(), false,
            plainLogin + ", teams: [refused-team]")
        + account("wrong-name", wrongName.port(), "ssl",
            login + ", teams: [ssl-team], trustCertificate: \"" + pem + "\"")
        + account("no-starttls", noStartTls.port(), "starttls", login + ", teams: [starttls-team]");
    new Load("tls", USERS).publishDirectory(cluster.clientProperties(), cluster.topics);
    Path config = cluster.config("tls", accounts, null);
    cluster.startStreams("streams", config);
    cluster.startWorker("worker", config);
    verifier = new Verifier(cluster.clientProperties(), cluster.topics);
  }

  private static String account(String id, int port, String security, String extra) {
    return "- {id: " + id + ", host: 127.0.0.1, port: " + port + ", security: " + security
        + ", from: noreply@reliability.test, " + extra + ReliabilityCluster.transport() + "}\n";
  }

  @Test
  @Order(1)
  void tlsThatCannotBeTrustedOrIsNotOfferedSendsNothing() throws Exception {
    // Step 1: mail for both TLS accounts, and for the healthy login as a control
    Set<String> ssl = ScenarioSupport.publishTeamEvents(cluster, "ssl", "ssl-team", 5, USERS);
    Set<String> starttls = ScenarioSupport.publishTeamEvents(cluster, "starttls", "starttls-team", 5, USERS);
    Set<String> ok = ScenarioSupport.publishTeamEvents(cluster, "ok", "qa", 5, USERS);

    // Step 2: the control arrives; both TLS accounts report failed attempts
    ScenarioSupport.awaitReceived(loginOk, ok, Duration.ofSeconds(60));
    List<DeliveryStatus> statuses = Await.forValue(Duration.ofSeconds(30),
        "failed statuses for wrong-name and no-starttls", () -> ScenarioSupport.statuses(verifier, cluster),
        all -> failed(all, "wrong-name").size() >= 1 && failed(all, "no-starttls").size() >= 1,
        ScenarioSupport.TOPIC_POLL);

    // Step 3: no mail, no AUTH, no transaction and no message bytes reached either server
    List<DeliveryStatus> sslFailures = failed(statuses, "wrong-name");
    List<DeliveryStatus> starttlsFailures = failed(statuses, "no-starttls");
    Verifier.Reconciliation rSsl = verifier.reconcile(ssl, wrongName.messages());
    Verifier.Reconciliation rStarttls = verifier.reconcile(starttls, noStartTls.messages());
    System.out.printf("scenario 11a (ssl, certificate for wrong.example; failures %s; %d connections): expected %d, "
            + "sent %d, skipped %d, dead %d, duplicates %d%n", reasons(sslFailures), wrongName.connectionCount(),
        rSsl.expected(), rSsl.sent(), rSsl.skipped(), rSsl.dead(), rSsl.duplicates());
    System.out.printf("scenario 11b (starttls, not offered; failures %s; %d connections): expected %d, sent %d, "
            + "skipped %d, dead %d, duplicates %d%n", reasons(starttlsFailures), noStartTls.connectionCount(),
        rStarttls.expected(), rStarttls.sent(), rStarttls.skipped(), rStarttls.dead(), rStarttls.duplicates());
    assertThat(sslFailures).anyMatch(s -> "tls-failed".equals(s.getReason()));
    assertThat(starttlsFailures).anyMatch(s -> "starttls-unsupported".equals(s.getReason()));
    for (ScriptableSmtpServer server : List.of(wrongName, noStartTls)) {
      assertThat(server.connectionCount()).as("the worker did try %s", server).isPositive();
      assertThat(server.messages()).isEmpty();
      List<String> lines = ScenarioSupport.transcriptLines(server);
      assertThat(lines).noneMatch(l -> l.matches("(?i)C: (MAIL|RCPT|DATA|BDAT|AUTH).*"));
      assertThat(lines).noneMatch(l -> l.startsWith("C: <message data"));
      assertThat(lines).noneMatch(l -> l.contains("Scenario ") || l.toLowerCase().contains("subject:"));
    }
    assertThat(rSsl.sent() + rStarttls.sent()).isZero();
  }

  @Test
  @Order(2)
  void thePasswordAppearsNowhere() throws Exception {
    // Step 1: make the password travel: a delivery with AUTH, and AUTH refused with 535
    Set<String> refused = ScenarioSupport.publishTeamEvents(cluster, "refused", "refused-team", 3, USERS);
    Set<String> ok = ScenarioSupport.publishTeamEvents(cluster, "ok2", "qa", 3, USERS);
    ScenarioSupport.awaitReceived(loginOk, ok, Duration.ofSeconds(60));
    Await.until(Duration.ofSeconds(30), "an auth-failed status for login-refused",
        () -> !failed(ScenarioSupport.statuses(verifier, cluster), "login-refused").isEmpty());
    assertThat(loginOk.messages()).allSatisfy(m -> assertThat(m.authenticatedUser()).contains(USER));

    // Step 2: everything the suite wrote that a person or a tool may read
    List<String> secrets = List.of(PASSWORD, b64(PASSWORD), b64("\0" + USER + "\0" + PASSWORD),
        b64(USER + "\0" + USER + "\0" + PASSWORD));
    List<String> places = new ArrayList<>();
    List<String> leaks = new ArrayList<>();
    for (Path log : allLogs()) {
      places.add(log.toString());
      check(leaks, log.toString(), Files.readString(log, StandardCharsets.ISO_8859_1), secrets);
    }
    for (ConsumerRecord<String, DeadLetter> r : verifier.readAll(cluster.topics.deadLetters())) {
      check(leaks, "dead letter " + r.key(), r.value().toString() + r.headers(), secrets);
    }
    int statusCount = 0;
    for (ConsumerRecord<String, DeliveryStatus> r : verifier.readAll(cluster.topics.status())) {
      statusCount++;
      check(leaks, "status " + r.key(), r.value().toString() + r.headers(), secrets);
    }
    int transcriptLines = 0;
    for (ScriptableSmtpServer server : List.of(wrongName, noStartTls, loginOk, loginRefused)) {
      List<String> lines = ScenarioSupport.transcriptLines(server);
      transcriptLines += lines.size();
      check(leaks, "transcript of " + server, String.join("\n", lines), secrets);
    }
    Verifier.Reconciliation r = verifier.reconcile(ok, loginOk.messages());
    System.out.printf("scenario 12 (no secret in %d process logs, %d status records, the dead letters, %d transcript "
            + "lines; %d leaks; %d login-refused notifications waiting): expected %d, sent %d, skipped %d, dead %d, "
            + "duplicates %d%n", places.size(), statusCount, transcriptLines, leaks.size(), refused.size(),
        r.expected(), r.sent(), r.skipped(), r.dead(), r.duplicates());
    assertThat(places).isNotEmpty();
    assertThat(leaks).isEmpty();
    assertThat(r.sent()).isEqualTo(ok.size());
  }

  private static List<DeliveryStatus> failed(List<DeliveryStatus> statuses, String account) {
    return statuses.stream().filter(s -> account.equals(s.getAccount()) && (s.getState() == DeliveryState.RETRYING
        || s.getState() == DeliveryState.DEAD) && !"breaker-open".equals(s.getReason())).toList();
  }

  private static Set<String> reasons(List<DeliveryStatus> statuses) {
    return new java.util.TreeSet<>(statuses.stream().map(s -> s.getState() + "/" + s.getReason()).toList());
  }

  /** The logs of this class's processes and of every reliability class that ran before it in this build. */
  private static List<Path> allLogs() throws IOException {
    List<Path> logs = new ArrayList<>(cluster.logFiles());
    try (Stream<Path> files = Files.walk(cluster.logs.getParent())) {
      files.filter(Files::isRegularFile).filter(p -> !logs.contains(p)).forEach(logs::add);
    }
    return logs;
  }

  private static void check(List<String> leaks, String where, String text, List<String> secrets) {
    for (String secret : secrets) {
      if (text.contains(secret)) {
        leaks.add(where + " contains " + (secret.equals(PASSWORD) ? "the password" : "the base64 " + secret));
      }
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
