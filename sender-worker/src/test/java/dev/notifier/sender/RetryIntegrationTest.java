package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Transient failures are retried with backoff through the retry topics; permanent ones are not. */
class RetryIntegrationTest extends WorkerIntegrationSupport {

  private WorkerSettings settings(String workerId, Duration lifetime) {
    BackoffPolicy backoff = BackoffPolicy.builder().minDelay(Duration.ofMillis(200)).maxDelay(Duration.ofSeconds(1))
        .lifetime(lifetime).build();
    return new WorkerSettings(h.groupId, workerId, Duration.ofMillis(100), List.of(h.localAccount()))
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
  void aServerThatIsDownLosesNothingAndEverythingIsDeliveredWhenItReturns() throws Exception {
    h.smtp = ScriptableSmtpServer.builder().start();
    h.smtp.down();
    h.startWorker(settings("retry-4", Duration.ofMinutes(5)), name -> null);
    List<Notification> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      batch.add(WorkerHarness.notification("r-4-" + i, "user" + i + "@example.com", "default"));
    }

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
}
