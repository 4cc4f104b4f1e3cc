package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-account circuit breakers: a broken account waits, loses nothing, and holds up no one else. */
class BreakerIntegrationTest extends WorkerIntegrationSupport {

  private ScriptableSmtpServer other;

  @AfterEach
  void closeOtherServer() {
    if (other != null) {
      other.close();
    }
  }

  private WorkerSettings settings(String workerId, List<AccountSettings> accounts) {
    return new WorkerSettings(h.groupId, workerId, Duration.ofMillis(100), accounts)
        .withBackoff(BackoffPolicy.builder().minDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(1))
            .lifetime(Duration.ofMinutes(5)).build())
        .withBreaker(BreakerSettings.defaults().withOpenFor(Duration.ofSeconds(1)));
  }

  @Test
  void badCredentialsOpenTheBreakerNothingIsDeadLetteredAndMailFlowsOnceFixed() throws Exception {
    // Step 1: a server that refuses the login (as if the password were wrong) until it is fixed
    h.smtp = ScriptableSmtpServer.builder().user("u", "right").requireAuth(true).start();
    h.smtp.script().at(Stage.AUTH).reply("535 5.7.8 Authentication credentials invalid").always();
    AccountSettings account = new AccountSettings("default", h.smtp.host(), h.smtp.port(), Security.NONE,
        WorkerHarness.FROM, "u", "SMTP_PW", null, "notifier.local", null, null).withPlaintextAuth(true);
    h.startWorker(settings("breaker-1", List.of(account)), name -> "right");
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(WorkerHarness.notification("k-" + i, "user" + i + "@example.com", "default"));
    }

    // Step 2
    h.produce(batch);

    // Step 3: the breaker opens (mail waits as breaker-open), no dead letter; then the server is fixed
    awaitStatus(s -> "breaker-open".equals(s.getReason()));
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
    assertThat(h.smtp.messages()).isEmpty();
    h.smtp.clearScript();

    List<ReceivedMessage> received = h.smtp.awaitMessages(5, WorkerHarness.TIMEOUT);
    assertThat(received).extracting(h::idOf).doesNotHaveDuplicates().hasSize(5);
    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithoutRebalancingAndTheOtherAccountIsNotDelayed() throws Exception {
    // Step 1: account "good" on a healthy server, account "silent" on one that accepts and never answers
    h.smtp = ScriptableSmtpServer.builder().start();
    other = ScriptableSmtpServer.builder().start();
    other.script().hang(Stage.CONNECT);
    AccountSettings good = AccountSettings.local("good", h.smtp.host(), h.smtp.port(), WorkerHarness.FROM);
    AccountSettings silent = new AccountSettings("silent", other.host(), other.port(), Security.NONE,
        WorkerHarness.FROM, null, null, null, "notifier.local", Duration.ofSeconds(1), Duration.ofSeconds(1));
    WorkerHarness.Running worker = h.startWorker(settings("breaker-2", List.of(good, silent)), name -> null);
    List<Notification> silentMail = new ArrayList<>();
    List<Notification> goodMail = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      silentMail.add(WorkerHarness.notification("s-" + i, "s" + i + "@example.com", "silent"));
      goodMail.add(WorkerHarness.notification("g-" + i, "g" + i + "@example.com", "good"));
    }

    // Step 2: the silent account's mail first, then the good account's
    h.produce(silentMail);
    Instant goodProduced = Instant.now();
    h.produce(goodMail);

    // Step 3: the good account's mail arrives promptly while the silent one times out
    List<ReceivedMessage> received = h.smtp.awaitMessages(10, WorkerHarness.TIMEOUT);
    Instant lastGood = received.stream().map(ReceivedMessage::receivedAt).max(Instant::compareTo).orElseThrow();
    assertThat(Duration.between(goodProduced, lastGood))
        .as("the good account waited for nobody (silent sends time out after 1 s each)")
        .isLessThan(Duration.ofSeconds(5));
    awaitStatus(s -> "silent".equals(s.getAccount()) && s.getState() == DeliveryState.RETRYING
        && s.getDetail() != null && s.getDetail().toLowerCase(java.util.Locale.ROOT).contains("time"));
    assertThat(worker.worker().sendRevocations()).as("no consumer-group rebalance").isZero();
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
  }

  private DeliveryStatus awaitStatus(java.util.function.Predicate<DeliveryStatus> wanted) {
    return Await.forValue(WorkerHarness.TIMEOUT, "a status as wanted",
        () -> h.readToEnd(h.topics.status()).stream().map(ConsumerRecord::value).filter(wanted).findFirst(),
        java.util.Optional::isPresent).orElseThrow();
  }
}
