package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Critical mail overtakes a bulk backlog on a throttled account, as the SMTP server sees it: it is
 * taken before the queued bulk mail, and the reserve of the account's limits is there for it when
 * bulk mail has used the rest of a quota.
 */
class PriorityIntegrationTest extends WorkerIntegrationSupport {

  private static final int BULK = 60;
  private static final int CRITICAL = 3;

  @Test
  void criticalMailOvertakesABulkBacklogOnAThrottledAccount() throws Exception {
    // Step 1: one worker, an account allowed 2 messages a second, a backlog of 60 bulk mails (30 s of it)
    h.smtp = ScriptableSmtpServer.builder().start();
    AccountSettings account = AccountSettings.local("default", h.smtp.host(), h.smtp.port(), WorkerHarness.FROM)
        .withLimits(Limits.of(2, 2));
    h.startWorker(new WorkerSettings(h.groupId, "priority-1", Duration.ofMillis(100), List.of(account)), name -> null);
    h.produceSpread(IntStream.range(0, BULK).mapToObj(i -> mail("bulk-" + i, Priority.BULK)).toList());
    h.smtp.awaitMessages(4, WorkerHarness.TIMEOUT);

    // Step 2: three password resets arrive behind the backlog
    Instant produced = Instant.now();
    h.produceSpread(IntStream.range(0, CRITICAL).mapToObj(i -> mail("reset-" + i, Priority.CRITICAL)).toList());

    // Step 3: at the server they come before the backlog is through: at most the bulk mails in flight
    // or already taken by a connection when they arrived come between
    Await.until(WorkerHarness.TIMEOUT, "the three critical mails at the server",
        () -> critical(h.smtp.messages()).size() == CRITICAL);
    List<ReceivedMessage> all = h.smtp.messages();
    Instant lastCritical = critical(all).stream().map(ReceivedMessage::receivedAt).max(Instant::compareTo).orElseThrow();
    long bulkBetween = all.stream().filter(m -> m.body().contains("bulk-"))
        .filter(m -> m.receivedAt().isAfter(produced) && m.receivedAt().isBefore(lastCritical)).count();
    long bulkBefore = all.stream().filter(m -> m.body().contains("bulk-") && !m.receivedAt().isAfter(lastCritical))
        .count();
    System.out.printf("priority: 3 critical mails at the server %d ms after they were produced, %d bulk mails between;"
            + " %d of %d bulk before the last critical (FIFO would put all %d first)%n",
        Duration.between(produced, lastCritical).toMillis(), bulkBetween, bulkBefore, BULK, BULK);
    assertThat(bulkBetween).isLessThanOrEqualTo(6);
    assertThat(bulkBefore).isLessThan(BULK / 2);
  }

  @Test
  void aPasswordResetFindsTheReserveWhenBulkMailHasUsedTheRestOfTheQuota() throws Exception {
    // Step 1: an account allowed 30 a minute, a tenth kept for critical mail; 40 bulk mails use their 27
    usePartitions(1);
    h.smtp = ScriptableSmtpServer.builder().start();
    AccountSettings account = AccountSettings.local("default", h.smtp.host(), h.smtp.port(), WorkerHarness.FROM)
        .withLimits(Limits.builder().ratePerSecond(100).burst(100).perMinute(30).criticalReserve(0.1).build());
    h.startWorker(new WorkerSettings(h.groupId, "priority-quota", Duration.ofMillis(100), List.of(account)),
        name -> null);
    h.produceSpread(IntStream.range(0, 40).mapToObj(i -> mail("bulk-" + i, Priority.BULK)).toList());
    h.smtp.awaitMessages(27, WorkerHarness.TIMEOUT);
    awaitThrottledBulk(40 - 27);

    // Step 2: a password reset in the same minute goes at once, in the reserve
    h.produceSpread(List.of(mail("reset", Priority.CRITICAL)));
    Await.until(WorkerHarness.TIMEOUT, "the password reset at the server", () -> critical(h.smtp.messages()).size() == 1);

    // Step 3: the minute's quota holds: 27 bulk and the reset, the other bulk mails wait for the window
    List<ReceivedMessage> all = h.smtp.messages();
    System.out.printf("priority: quota 30/min, reserve 3: %d bulk then the reset, %d messages in all%n",
        all.size() - 1, all.size());
    assertThat(all).hasSize(28);
  }

  private void awaitThrottledBulk(int waiting) {
    Await.until(WorkerHarness.TIMEOUT, waiting + " bulk mails waiting for the quota", () -> WorkerHarness.latestByKey(
        h.readToEnd(h.topics.status())).values().stream()
        .filter(s -> "throttled".equals(s.getReason()) || "backlog".equals(s.getReason())).count() == waiting);
  }

  private static List<ReceivedMessage> critical(List<ReceivedMessage> messages) {
    return messages.stream().filter(m -> m.body().contains("reset")).toList();
  }

  private static Notification mail(String id, Priority priority) {
    Notification n = WorkerHarness.notification(id, id + "@example.com", "default");
    n.setPriority(priority);
    return n;
  }
}
