package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topic;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Transient failures are retried with backoff through the retry topics; permanent ones are not; a
 * pooled connection the server had closed is no failure of the message at all, unless the server
 * had already accepted its MAIL FROM.
 */
class RetryIntegrationTest extends WorkerIntegrationSupport {

  /** Connections of the account in the restart test: each one the server closes must cost nothing. */
  private static final int POOL = 4;
  private static final int AFTER_RESTART = 20;
  /**
   * How long the server keeps a silent client: well above the time the worker takes to send the next
   * message on a pooled connection, far below the worker's read time-out.
   */
  private static final Duration SERVER_IDLE_TIMEOUT = Duration.ofSeconds(5);

  private WorkerSettings settings(String workerId, Duration lifetime) {
    return settings(workerId, h.localAccount(), lifetime);
  }

  private WorkerSettings settings(String workerId, AccountSettings account, Duration lifetime) {
    BackoffPolicy backoff = BackoffPolicy.builder().minDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(1))
        .lifetime(lifetime).build();
    return new WorkerSettings(h.groupId, workerId, Duration.ofMillis(100), List.of(account))
        .withBackoff(backoff).withBreaker(dev.notifier.sender.config.BreakerSettings.defaults().withOpenFor(Duration.ofSeconds(1)));
  }

  @Test
  void twoTransient421sThenAcceptedIsDeliveredOnceAfterTwoRecordedRetries() throws Exception {
    // Step 1: the server answers 421 twice at the end of DATA, then accepts
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.script().at(Stage.DATA_END).reply("421 4.7.0 Try again later").times(2);
    h.startWorker(settings("retry-1", Duration.ofMinutes(5)), name -> null);
    Notification n = WorkerHarness.notification("r-1", "alice@example.com", "default");

    // Step 2
    h.produce(List.of(n));

    // Step 3: one email, the two failed attempts in the ledger, attempt 3 SENT
    List<ReceivedMessage> received = h.smtp.awaitMessages(1, WorkerHarness.TIMEOUT);
    assertThat(received).hasSize(1);
    List<DeliveryStatus> history = h.awaitRecords(h.topics.status(), 3).stream().map(ConsumerRecord::value)
        .collect(Collectors.toList());
    assertThat(history).extracting(DeliveryStatus::getState)
        .containsExactly(DeliveryState.RETRYING, DeliveryState.RETRYING, DeliveryState.SENT);
    assertThat(history).extracting(DeliveryStatus::getAttempts).containsExactly(1, 2, 3);
    assertThat(history.get(0).getDetail()).contains("421").contains("next attempt at");
    assertThat(h.readToEnd(h.topics.retry(1))).hasSize(1);
    assertThat(h.readToEnd(h.topics.retry(2))).hasSize(1);
    assertThat(h.smtp.rejectedCount()).isEqualTo(2);
    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
    assertThat(h.smtp.messages()).hasSize(1);
  }

  @Test
  void a550AtRcptIsDeadLetteredAtOnceWithoutRetry() throws Exception {
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.script().at(Stage.RCPT).matching("gone@").reply("550 5.1.1 <gone@example.com>: User unknown").always();
    h.startWorker(settings("retry-2", Duration.ofMinutes(5)), name -> null);

    h.produce(List.of(WorkerHarness.notification("r-2", "gone@example.com", "default")));

    DeadLetter letter = h.awaitRecords(h.topics.deadLetters(), 1).get(0).value();
    assertThat(letter.getFailureClass()).isEqualTo("DEAD_RECIPIENT");
    assertThat(letter.getAttempts()).isEqualTo(1);
    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.retry(1))).as("no retry for a permanent failure").isEmpty();
    assertThat(h.smtp.transcripts().stream().flatMap(t -> t.lines().stream())
        .filter(line -> line.startsWith("C: RCPT")).count()).isEqualTo(1);
  }

  @Test
  void aFailureThatOutlivesTheLifetimeBudgetIsDeadLetteredAsExpired() throws Exception {
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.script().at(Stage.MAIL).reply("451 4.3.0 Local error in processing").always();
    h.startWorker(settings("retry-3", Duration.ofSeconds(2)), name -> null);

    h.produce(List.of(WorkerHarness.notification("r-3", "late@example.com", "default")));

    ConsumerRecord<String, DeadLetter> record = h.awaitRecords(h.topics.deadLetters(), 1).get(0);
    DeadLetter letter = record.value();
    assertThat(letter.getFailureClass()).isEqualTo("EXPIRED");
    assertThat(letter.getKind()).isEqualTo("expired");
    assertThat(letter.getAttempts()).isGreaterThanOrEqualTo(2);
    assertThat(letter.getReplyCode()).isEqualTo(451);
    assertThat(letter.getLastFailureAt()).isAfter(letter.getFirstFailureAt());
    assertThat(Duration.between(letter.getFirstFailureAt(), letter.getLastFailureAt()))
        .as("the budget is 2 s; the last attempt may run a poll late").isLessThan(Duration.ofSeconds(4));
    assertThat(WorkerHarness.header(record, dev.notifier.sender.retry.RetryHeaders.ORIGINAL_TOPIC))
        .isEqualTo(h.topics.send().name());
    assertThat(h.smtp.messages()).isEmpty();
  }

  @Test
  void mailWhoseBudgetRunsOutWhileTheBreakerHoldsItIsDeadLetteredWithTheReplyThatMadeItWait() throws Exception {
    // one 451 opens the breaker for 30 s; the retry, due 200 ms later, finds it open, and 30 s more would
    // outlive the 2 s budget: the mail is dead-lettered without a second attempt, from the wait, not an attempt
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.script().at(Stage.MAIL).reply("451 4.3.0 Local error in processing").always();
    h.startWorker(settings("retry-3b", Duration.ofSeconds(2))
        .withBreaker(new dev.notifier.sender.config.BreakerSettings(50f, 1, 1, Duration.ofSeconds(30))), name -> null);

    h.produce(List.of(WorkerHarness.notification("r-3b", "held@example.com", "default")));

    ConsumerRecord<String, DeadLetter> record = h.awaitRecords(h.topics.deadLetters(), 1).get(0);
    DeadLetter letter = record.value();
    assertThat(letter.getFailureClass()).isEqualTo("EXPIRED");
    assertThat(letter.getFix()).isEqualTo("the lifetime budget ran out while the mail waited (breaker-open); "
        + "last: 451 4.3.0 Local error in processing");
    assertThat(letter.getAttempts()).as("the breaker let no second attempt through").isEqualTo(1);
    assertThat(letter.getReplyCode()).isEqualTo(451);
    assertThat(letter.getEnhancedCode()).isEqualTo("4.3.0");
    assertThat(letter.getReplyText()).isEqualTo("Local error in processing");
    assertThat(WorkerHarness.header(record, dev.notifier.sender.retry.RetryHeaders.ORIGINAL_TOPIC))
        .isEqualTo(h.topics.send().name());
    assertThat(h.smtp.transcripts().stream().flatMap(t -> t.lines().stream())
        .filter(line -> line.startsWith("C: MAIL")).count()).isEqualTo(1);
  }

  @Test
  void aServerThatIsDownLosesNothingAndEverythingIsDeliveredWhenItReturns() throws Exception {
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.down();
    h.startWorker(settings("retry-4", Duration.ofMinutes(5)), name -> null);
    List<Notification> batch = batch("r-4", 10);

    h.produce(batch);
    List<ConsumerRecord<String, DeliveryStatus>> waiting = h.awaitRecords(h.topics.status(), 10);
    assertThat(waiting).allSatisfy(r -> assertThat(r.value().getState()).isEqualTo(DeliveryState.RETRYING));
    h.smtp.up();

    List<ReceivedMessage> received = h.smtp.awaitMessages(10, WorkerHarness.TIMEOUT);
    assertThat(received).extracting(h::idOf).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(batch.stream().map(Notification::getNotificationId).toList());
    h.awaitAllCommitted(h.groupId);
    assertThat(h.readToEnd(h.topics.deadLetters())).isEmpty();
  }

  @Test
  void crlfInTheSubjectIsRefusedBeforeAnyByteReachesTheServer() throws Exception {
    h.smtp = ScriptableSmtpServer.builder().start();
    h.startWorker(settings("retry-5", Duration.ofMinutes(5)), name -> null);
    Notification evil = Notification.newBuilder(WorkerHarness.notification("r-5", "victim@example.com", "default"))
        .setSubject("Hello\r\nBcc: everyone@example.com").build();

    h.produce(List.of(evil));

    DeadLetter letter = h.awaitRecords(h.topics.deadLetters(), 1).get(0).value();
    assertThat(letter.getFailureClass()).isEqualTo("INVALID_MESSAGE");
    assertThat(letter.getFix()).containsIgnoringCase("CR");
    assertThat(h.smtp.connectionCount()).as("nothing was sent, not even a connection").isZero();
  }

  @Test
  void aRestartedServerCostsThePooledConnectionsNoRetry() throws Exception {
    // Step 1: a worker with four connections, all opened by four slow sends at once, then idle. The mails go in
    // one at a time, each once the one before holds its connection: mail queued together would be pipelined on
    // one connection (a CI run under load saw a single connection take all four)
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.script().delay(Stage.DATA_END, Duration.ofSeconds(3));
    AccountSettings account = h.localAccount().withPoolSize(POOL).withLimits(Limits.of(1_000));
    h.startWorker(settings("retry-6", account, Duration.ofMinutes(5)), name -> null);
    for (int i = 0; i < POOL; i++) {
      h.produce(batch("r-6-warm-" + i, 1));
      int open = i + 1;
      Await.until(WorkerHarness.TIMEOUT, open + " connections open",
          () -> h.smtp.maxConcurrentConnections() >= open);
    }
    h.smtp.awaitMessages(POOL, WorkerHarness.TIMEOUT);
    assertThat(h.smtp.maxConcurrentConnections()).as("every pooled connection open").isEqualTo(POOL);
    // the server holds a message before its delayed reply to the end of data: a restart before the replies
    // reached the worker would make those sends unknown (a CI run saw one), not the idle pool this tests
    Await.until(WorkerHarness.TIMEOUT, POOL + " statuses of the first sends",
        () -> h.readToEnd(h.topics.status()).size() >= POOL);
    h.smtp.clearScript();

    // Step 2: the server restarts while the worker is idle, closing every pooled connection; then more mail
    h.smtp.down();
    h.smtp.up();
    h.produce(batch("r-6", AFTER_RESTART));

    // Step 3: all delivered at the first attempt: every status SENT with 1 attempt, nothing in a retry tier
    h.smtp.awaitMessages(POOL + AFTER_RESTART, WorkerHarness.TIMEOUT);
    h.awaitAllCommitted(h.groupId);
    List<DeliveryStatus> statuses = h.readToEnd(h.topics.status()).stream().map(ConsumerRecord::value).toList();
    assertThat(statuses).hasSize(POOL + AFTER_RESTART).allSatisfy(s -> {
      assertThat(s.getState()).isEqualTo(DeliveryState.SENT);
      assertThat(s.getAttempts()).isEqualTo(1);
    });
    for (Topic<String, Notification> tier : h.topics.retryTopics()) {
      assertThat(h.readToEnd(tier)).as("records in %s", tier.name()).isEmpty();
    }
    assertThat(h.smtp.messages()).extracting(h::idOf).doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(value = Stage.class, names = {"RCPT", "DATA_END"})
  void aConnectionLostAfterMailFromWasAcceptedIsACountedRetry(Stage stage) throws Exception {
    // Step 1: a worker with one connection, opened by a first message; the server drops a silent client
    // after 5 s; an unknown outcome (no reply after the end of data) is sent again after 1 s
    h.smtp = ScriptableSmtpServer.builder().idleTimeout(SERVER_IDLE_TIMEOUT).start();
    AccountSettings account = h.localAccount().withUnknownOutcome(Duration.ofMinutes(10), Duration.ofSeconds(1));
    h.startWorker(settings("retry-7-" + stage, account, Duration.ofMinutes(5)), name -> null);
    h.produce(batch("r-7-warm", 1));
    h.smtp.awaitMessages(1, WorkerHarness.TIMEOUT);

    // Step 2: on the pooled connection the server accepts MAIL FROM, goes silent at the stage, and closes it
    h.smtp.script().hang(stage);
    Notification n = WorkerHarness.notification("r-7", "lost@example.com", "default");
    h.produce(List.of(n));
    Await.until(WorkerHarness.TIMEOUT, "the server hanging at " + stage, () -> h.smtp.transcripts().stream()
        .anyMatch(t -> t.lines().contains("*: hanging at " + stage + " (scripted)")));
    h.smtp.clearScript();

    // Step 3: the lost attempt is counted and sent again: at RCPT a RETRYING retry with backoff; after the
    // end of data an UNKNOWN outcome, sent again on the same account after unknownOutcomeRetry. SENT at attempt 2
    List<DeliveryStatus> history = h.awaitRecords(h.topics.status(), 3).stream().map(ConsumerRecord::value)
        .filter(s -> s.getNotificationId().equals(n.getNotificationId())).toList();
    boolean afterData = stage == Stage.DATA_END;
    assertThat(history).extracting(DeliveryStatus::getState)
        .containsExactly(afterData ? DeliveryState.UNKNOWN : DeliveryState.RETRYING, DeliveryState.SENT);
    assertThat(history).extracting(DeliveryStatus::getAttempts).containsExactly(1, 2);
    assertThat(history.get(0).getReason()).isEqualTo(afterData ? "outcome-unknown" : "connection-lost");
    assertThat(h.readToEnd(h.topics.retry(1))).hasSize(1);
    assertThat(h.smtp.messages()).extracting(h::idOf).containsOnlyOnce(n.getNotificationId());
  }

  private static List<Notification> batch(String prefix, int count) {
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(WorkerHarness.notification(prefix + "-" + i, "user" + i + "@example.com", "default"));
    }
    return batch;
  }
}
