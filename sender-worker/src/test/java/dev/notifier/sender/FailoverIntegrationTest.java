package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.failover.FailoverState;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover to a backup account only when the primary certainly did not take the message, with two
 * real SMTP servers on loopback: the primary's ({@code h.smtp}) and the backup's. Every message is
 * counted at both servers.
 */
class FailoverIntegrationTest extends WorkerIntegrationSupport {

  private static final int MAILS = 12;
  private ScriptableSmtpServer backupServer;
  private final MeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void closeBackup() {
    if (backupServer != null) {
      backupServer.close();
    }
  }

  @Test
  void aPrimaryRefusingConnectionsHasAllItsMailDeliveredOnceByTheBackupAndGetsItBackWhenItRecovers()
      throws Exception {
    // Step 1: the primary's server is down; the backup's is up
    WorkerHarness.Running worker = start(localPrimary(), null);
    h.smtp.down();

    // Step 2: mail routed to the primary
    h.produceSpread(mails("down", MAILS));

    // Step 3: every message reaches the backup's server once, SENT by the backup, none at the primary's
    List<ReceivedMessage> atBackup = backupServer.awaitMessages(MAILS, WorkerHarness.TIMEOUT);
    assertThat(atBackup).extracting(h::idOf).doesNotHaveDuplicates().hasSize(MAILS);
    Map<String, DeliveryStatus> latest = awaitSent(MAILS);
    assertThat(latest.values()).allSatisfy(s -> {
      assertThat(s.getAccount()).isEqualTo("backup");
      assertThat(s.getReason()).isEqualTo("failover");
    });
    assertThat(gauge(worker)).as("the failover gauge").isEqualTo(1.0);

    // Step 4: the primary's server comes back: within openFor and a probe, its mail goes to it again
    h.smtp.up();
    Instant back = Instant.now();
    h.produceSpread(mails("back", MAILS));
    Await.until(WorkerHarness.TIMEOUT, "mail at the primary's server again", () -> !h.smtp.messages().isEmpty());
    System.out.printf("failover: primary took its mail again %d ms after its server came back (openFor 1 s)%n",
        Duration.between(back, h.smtp.messages().get(0).receivedAt()).toMillis());
    awaitSent(2 * MAILS);
    assertThat(backupServer.messages().size() + h.smtp.messages().size()).as("each message once, at one server")
        .isEqualTo(2 * MAILS);
    Await.until(WorkerHarness.TIMEOUT, "the failover gauge back to 0", () -> gauge(worker) == 0.0);
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
  }

  @Test
  void aPrimaryRefusingTheLoginFailsOverAndTheAccountErrorIsVisible() throws Exception {
    // Step 1: the primary's server refuses the login with 535
    h.smtp = ScriptableSmtpServer.builder().user("u", "right").requireAuth(true).start();
    h.smtp.script().at(Stage.AUTH).reply("535 5.7.8 Authentication credentials invalid").always();
    AccountSettings primary = new AccountSettings("primary", h.smtp.host(), h.smtp.port(), Security.NONE,
        WorkerHarness.FROM, "u", "SMTP_PW", null, "notifier.local", null, null).withPlaintextAuth(true);
    WorkerHarness.Running worker = start(primary, null);

    // Step 2
    h.produceSpread(mails("auth", MAILS));

    // Step 3: the backup delivers each once; the primary's breaker has opened on the account error
    assertThat(backupServer.awaitMessages(MAILS, WorkerHarness.TIMEOUT)).extracting(h::idOf).doesNotHaveDuplicates()
        .hasSize(MAILS);
    awaitSent(MAILS);
    assertThat(h.smtp.messages()).isEmpty();
    Await.until(WorkerHarness.TIMEOUT, "the primary's breaker open",
        () -> "open".equals(worker.worker().status().breakers().get("primary")));
  }

  @Test
  void anUnknownRecipientIsADeadLetterAndTheBackupNeverTriesIt() throws Exception {
    // Step 1: the primary's server refuses one recipient as unknown (550 5.1.1)
    start(localPrimary(), null);
    h.smtp.script().at(Stage.RCPT).matching("gone").reply("550 5.1.1 <gone@example.com>: user unknown").always();

    // Step 2
    Notification gone = WorkerHarness.notification("e-gone", "gone@example.com", "primary");
    h.produceSpread(List.of(gone));

    // Step 3: a dead letter; nothing at the backup's server
    Await.until(WorkerHarness.TIMEOUT, "the dead letter", () -> h.readToEnd(h.topics.deadLetters()).size() == 1);
    assertThat(h.readToEnd(h.topics.deadLetters()).get(0).value().getFailureClass()).isEqualTo("DEAD_RECIPIENT");
    assertThat(backupServer.messages()).isEmpty();
    assertThat(backupServer.connectionCount()).as("the backup was never even connected to").isZero();
  }

  @Test
  void noReplyAfterTheEndOfDataIsUnknownAndNeverFailedOver() throws Exception {
    // Step 1: the primary's server takes the data and never answers the end of data
    AccountSettings primary = localPrimary().withUnknownOutcome(Duration.ofSeconds(2), Duration.ofHours(1));
    start(primary, null);
    h.smtp.script().hang(Stage.DATA_END);

    // Step 2
    Notification n = WorkerHarness.notification("e-unknown", "someone@example.com", "primary");
    h.produceSpread(List.of(n));

    // Step 3: the ledger says UNKNOWN, sent again on the primary only, an hour later; no backup send, no duplicate
    DeliveryStatus unknown = Await.forValue(WorkerHarness.TIMEOUT, "an UNKNOWN status", () -> WorkerHarness
            .latestByKey(h.readToEnd(h.topics.status())).get(n.getNotificationId()),
        s -> s != null && s.getState() == DeliveryState.UNKNOWN);
    assertThat(unknown.getAccount()).isEqualTo("primary");
    assertThat(unknown.getDetail()).contains("no reply after the end of data").contains("sent again on account primary");
    assertThat(backupServer.connectionCount()).isZero();
    assertThat(h.readToEnd(h.topics.retry(1))).singleElement()
        .satisfies(r -> assertThat(r.value().getAccount()).isEqualTo("primary"));
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
  }

  @Test
  void mailFailedOverToTheBackupKeepsTheBackupsLimitsAtItsServer() throws Exception {
    // Step 1: the primary is down, the backup allows 5 messages a second with a burst of 5
    start(localPrimary(), Limits.of(5, 5));
    h.smtp.down();

    // Step 2: a storm of 40 mails routed to the primary
    h.produceSpread(mails("storm", 40));

    // Step 3: at the backup's server never more than rate + burst in any second
    List<Instant> times = backupServer.awaitMessages(40, Duration.ofSeconds(60)).stream()
        .map(ReceivedMessage::receivedAt).sorted().toList();
    int max = ThrottleIntegrationTest.maxInAnyWindow(times, Duration.ofSeconds(1));
    System.out.printf("failover storm: 40 mails at the backup, at most %d in any second (limit 10)%n", max);
    assertThat(max).isLessThanOrEqualTo(10);
  }

  /** Account "primary" on a plain server of its own ({@code h.smtp}), started here; connects time out in 2 s. */
  private AccountSettings localPrimary() {
    h.smtp = ScriptableSmtpServer.builder().start();
    return new AccountSettings("primary", h.smtp.host(), h.smtp.port(), Security.NONE, WorkerHarness.FROM, null, null,
        null, "notifier.local", Duration.ofSeconds(2), Duration.ofSeconds(5));
  }

  /** One worker with account {@code primary} failing over to "backup" on a server of its own. */
  private WorkerHarness.Running start(AccountSettings primary, Limits backupLimits) {
    backupServer = ScriptableSmtpServer.builder().start();
    AccountSettings backup = AccountSettings.local("backup", backupServer.host(), backupServer.port(),
        "backup@notifier.test");
    if (backupLimits != null) {
      backup = backup.withLimits(backupLimits);
    }
    WorkerSettings settings = new WorkerSettings(h.groupId, "failover-1", Duration.ofMillis(100),
        List.of(primary.withFailover(List.of("backup")), backup))
        .withBackoff(BackoffPolicy.builder().minDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(1))
            .lifetime(Duration.ofMinutes(5)).build())
        .withBreaker(BreakerSettings.defaults().withOpenFor(Duration.ofSeconds(1)));
    return h.startWorker(settings, name -> "right", registry);
  }

  private Map<String, DeliveryStatus> awaitSent(int count) {
    return Await.forValue(WorkerHarness.TIMEOUT, count + " SENT statuses", () -> WorkerHarness.latestByKey(
        h.readToEnd(h.topics.status())), m -> m.values().stream().filter(s -> s.getState() == DeliveryState.SENT)
        .count() == count);
  }

  private double gauge(WorkerHarness.Running worker) {
    return registry.get(FailoverState.ACTIVE).tags("route", "primary", "account", "backup").gauge().value();
  }

  private static List<Notification> mails(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> WorkerHarness.notification(prefix + "-" + i, prefix + i + "@example.com", "primary")).toList();
  }
}
