package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The account limit holds for the account as a whole: three workers in one group, one account at
 * 20 msg/s with a burst of 5, and the SMTP server never sees more than 25 in any 1 s window while
 * it sees at least 90 % of the limit over the run.
 */
class ThrottleIntegrationTest extends WorkerIntegrationSupport {

  private static final double RATE = 20;
  private static final int BURST = 5;
  private static final int PER_PARTITION = 100;

  @Test
  void threeWorkersTogetherKeepTheAccountLimit() throws Exception {
    // Step 1: three workers sharing one account limited to 20/s, burst 5; wait until each owns a partition
    h.smtp = ScriptableSmtpServer.builder().start();
    AccountSettings account = AccountSettings.local("default", h.smtp.host(), h.smtp.port(), WorkerHarness.FROM)
        .withLimits(new Limits(RATE, BURST, null, null));
    List<WorkerHarness.Running> workers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      workers.add(h.startWorker(new WorkerSettings(h.groupId, "throttled-" + i, Duration.ofMillis(100),
          List.of(account)), name -> null));
    }
    awaitBalanced(workers);

    // Step 2: the same backlog on every partition, so every worker has mail for the whole run
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < 3 * PER_PARTITION; i++) {
      batch.add(WorkerHarness.notification("th-" + i, "u" + i + "@example.com", "default"));
    }
    h.produceSpread(batch);

    // Step 3: every 1 s window at the server holds at most rate + burst; utilisation at least 90 %
    List<Instant> times = h.smtp.awaitMessages(3 * PER_PARTITION, Duration.ofSeconds(60)).stream()
        .map(ReceivedMessage::receivedAt).sorted().collect(Collectors.toList());
    int maxInWindow = maxInAnyWindow(times, Duration.ofSeconds(1));
    double seconds = Duration.between(times.get(0), times.get(times.size() - 1)).toNanos() / 1e9;
    double utilisation = times.size() / (RATE * seconds);
    System.out.printf("throttle: max in any 1 s window %d (limit %d), utilisation %.3f over %.1f s%n",
        maxInWindow, (int) RATE + BURST, utilisation, seconds);
    assertThat(maxInWindow).isLessThanOrEqualTo((int) RATE + BURST);
    assertThat(utilisation).isGreaterThanOrEqualTo(0.90);
  }

  private void awaitBalanced(List<WorkerHarness.Running> workers) {
    Await.until(WorkerHarness.TIMEOUT, "each worker owning one send partition",
        () -> workers.stream().allMatch(w -> w.worker().ownedSendPartitions() == 1));
  }

  /** The most instants that fall into one window [t, t + window) starting at any instant. */
  static int maxInAnyWindow(List<Instant> sorted, Duration window) {
    int max = 0;
    int start = 0;
    for (int end = 0; end < sorted.size(); end++) {
      while (Duration.between(sorted.get(start), sorted.get(end)).compareTo(window) >= 0) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}
