package dev.notifier.sender;

import static dev.notifier.sender.retry.Action.PERMANENT;
import static dev.notifier.sender.retry.Action.RETRY;
import static dev.notifier.sender.MockOutcomes.due;
import static dev.notifier.sender.MockOutcomes.waitUntil;
import static dev.notifier.sender.MockOutcomes.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.retry.RetryHeaders;
import dev.notifier.sender.retry.Rule;
import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.UsageKind;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.QuotaLedger;
import dev.notifier.sender.throttle.QuotaReservations;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.notifier.sender.throttle.MutableClock;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import dev.notifier.testkit.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One account's lane over a real local SMTP server and mock-producer writers: the stages in their
 * order and what each outcome writes. Time is a mock clock; the lane's sleeper records each wait
 * and moves the clock instead of sleeping.
 */
class AccountLaneTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  /** Opens after three failures in three sends. */
  private static final BreakerSettings THREE_STRIKES = new BreakerSettings(50f, 3, 3, Duration.ofMinutes(1));

  private final MutableClock clock = new MutableClock(START);
  private final MockOutcomes outcomes = new MockOutcomes(clock, "default");
  private final List<Delivery> finished = new CopyOnWriteArrayList<>();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private volatile RuntimeException sleeperThrows;
  private final Sleeper sleeper = wait -> {
    if (sleeperThrows != null) {
      throw sleeperThrows;
    }
    waits.add(wait);
    clock.advance(wait);
  };
  @AutoClose
  private final ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().start();
  private AccountLane lane;

  @AfterEach
  void stopLane() {
    if (lane != null) {
      lane.stop(Duration.ofSeconds(2));
    }
  }

  @Test
  void aSentMessageIsFinishedOnceItsSentStatusIsWritten() {
    lane = lane(Limits.DEFAULT, ReplyClassifier.defaults(), BreakerSettings.defaults());

    submit(1);

    assertThat(smtp.messages()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("user0@example.com"));
    assertThat(outcomes.statusesWritten()).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(DeliveryState.SENT);
      assertThat(s.getAttempts()).isEqualTo(1);
    });
    assertThat(outcomes.fatal).isEmpty();
    assertThat(waits).isEmpty();
  }

  @Test
  void aThrottledSendWaitsThroughTheSleeper() {
    lane = lane(Limits.of(1, 1), ReplyClassifier.defaults(), BreakerSettings.defaults());

    submit(2);

    assertThat(smtp.messages()).hasSize(2);
    assertThat(waits).isNotEmpty().allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(1)));
    assertThat(waits.stream().reduce(Duration.ZERO, Duration::plus)).as("one token a second")
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(outcomes.statusesWritten()).extracting(DeliveryStatus::getState)
        .containsExactly(DeliveryState.SENT, DeliveryState.SENT);
  }

  @Test
  void mailThatExpiresWhileItWaitsForTheThrottleIsNeverSent() {
    lane = lane(Limits.of(1, 1), ReplyClassifier.defaults(), BreakerSettings.defaults());
    // both were readable and unexpired when dispatched; the second expires during its one-second throttle wait
    Notification first = WorkerHarness.notification("e0", "user0@example.com", "default");
    first.setExpiresAt(START.plusSeconds(60));
    Notification second = WorkerHarness.notification("e1", "user1@example.com", "default");
    second.setExpiresAt(START.plusMillis(500));
    lane.submit(delivery(first, 0));
    lane.submit(delivery(second, 1));
    Await.until(TIMEOUT, "both deliveries finished", () -> finished.size() == 2);

    assertThat(smtp.messages()).singleElement()
        .satisfies(m -> assertThat(m.recipients()).containsExactly("user0@example.com"));
    assertThat(outcomes.statusesWritten()).extracting(DeliveryStatus::getState)
        .containsExactly(DeliveryState.SENT, DeliveryState.EXPIRED);
    assertThat(outcomes.writtenToWaitTiers()).as("not a retry, not a deferral: nothing to fix").isEmpty();
  }

  @Test
  void mailThatExpiredInTheQueueIsNotSent() {
    lane = lane(Limits.DEFAULT, ReplyClassifier.defaults(), BreakerSettings.defaults());
    Notification stale = WorkerHarness.notification("e0", "user0@example.com", "default");
    stale.setExpiresAt(START.minusSeconds(1));
    lane.submit(delivery(stale, 0));
    Await.until(TIMEOUT, "the delivery finished", () -> finished.size() == 1);

    assertThat(smtp.messages()).isEmpty();
    assertThat(outcomes.statusesWritten()).extracting(DeliveryStatus::getState).containsExactly(DeliveryState.EXPIRED);
  }

  @Test
  void aThrottleWaitPastTheBoundDefersTheMailInsteadOfHoldingAThread() {
    lane = lane(Limits.of(0.1, 1), ReplyClassifier.defaults(), BreakerSettings.defaults());

    submit(2);

    assertThat(smtp.messages()).hasSize(1);
    assertThat(waits).as("ten seconds is past AccountLane.MAX_THROTTLE_WAIT: no thread waits for it").isEmpty();
    assertThat(outcomes.writtenToWaitTiers()).singleElement().satisfies(r -> {
      assertThat(header(r, RetryHeaders.REASON)).isEqualTo("throttled");
      assertThat(waitUntil(r)).isEqualTo(START.plusSeconds(10));
    });
  }

  @Test
  void aTransientFailureIsRetriedThroughTheRetryTopicOfItsAttempt() {
    smtp.script().at(Stage.RCPT).reply("451 4.3.0 Temporary failure, try again").always();
    lane = lane(Limits.DEFAULT, ReplyClassifier.defaults(), THREE_STRIKES);

    submit(1);

    assertThat(outcomes.writtenTo(outcomes.topics.retry(1).name())).singleElement()
        .satisfies(r -> assertThat(header(r, RetryHeaders.ATTEMPTS)).isEqualTo("1"));
    assertThat(outcomes.statusesWritten()).singleElement()
        .satisfies(s -> assertThat(s.getState()).isEqualTo(DeliveryState.RETRYING));
  }

  /**
   * The breaker column decides, not the action: one table whose refusal row is PERMANENT either way,
   * once counting against the breaker and once not.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void theBreakerColumnIsWhatTheLaneReportsToTheGuard(boolean countsAgainstBreaker) {
    smtp.script().at(Stage.RCPT).reply("550 5.1.1 User unknown").always();
    ReplyClassifier table = new ReplyClassifier(List.of(
        Rule.when().code("5xx").then(PERMANENT, countsAgainstBreaker, "refused", "fix the recipient"),
        Rule.when().then(RETRY, true, "other", "wait")));
    lane = lane(Limits.DEFAULT, table, THREE_STRIKES);

    submit(3);

    assertThat(outcomes.deadLettersWritten()).hasSize(3)
        .allSatisfy(letter -> assertThat(letter.getFailureClass()).isEqualTo("PERMANENT"));
    assertThat(lane.guard().state())
        .isEqualTo(countsAgainstBreaker ? CircuitBreaker.State.OPEN : CircuitBreaker.State.CLOSED);
  }

  @Test
  void whileTheBreakerIsOpenTheMailWaitsWithoutAnAttempt() {
    smtp.script().at(Stage.RCPT).reply("451 4.3.0 Temporary failure, try again").times(3);
    lane = lane(Limits.DEFAULT, ReplyClassifier.defaults(), THREE_STRIKES);
    submit(3);
    assertThat(lane.guard().state()).isEqualTo(CircuitBreaker.State.OPEN);

    lane.submit(delivery(WorkerHarness.notification("e3", "user3@example.com", "default"), 3));
    Await.until(TIMEOUT, "four deliveries finished", () -> finished.size() == 4);

    assertThat(smtp.messages()).isEmpty();
    assertThat(outcomes.writtenToWaitTiers()).singleElement().satisfies(r -> {
      assertThat(header(r, RetryHeaders.REASON)).isEqualTo("breaker-open");
      assertThat(waitUntil(r))
          .isEqualTo(START.plus(THREE_STRIKES.openFor()));
    });
  }

  @Test
  void aMessageWithCrLfInTheSubjectIsDeadLetteredBeforeAnyConnection() {
    lane = lane(Limits.DEFAULT, ReplyClassifier.defaults(), BreakerSettings.defaults());
    Notification n = WorkerHarness.notification("e1", "alice@example.com", "default");
    n.setSubject("Hi\nX-Injected: yes");

    lane.submit(delivery(n, 0));
    Await.until(TIMEOUT, "the delivery finished", () -> finished.size() == 1);

    assertThat(smtp.connectionCount()).isZero();
    assertThat(smtp.messages()).isEmpty();
    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("INVALID_MESSAGE");
      assertThat(letter.getKind()).isEqualTo("message-invalid");
    });
  }

  @Test
  void aRuntimeExceptionWhileSendingIsRetriedAsAWorkerErrorAndTheDeliveryFinishes() {
    lane = lane(Limits.DEFAULT, ReplyClassifier.defaults(), BreakerSettings.defaults());
    Notification broken = WorkerHarness.notification("e0", "user0@example.com", "default");
    broken.setTextBody(null); // no body to encode: a NullPointerException in the worker

    lane.submit(delivery(broken, 0));
    lane.submit(delivery(WorkerHarness.notification("e1", "user1@example.com", "default"), 1));
    Await.until(TIMEOUT, "both deliveries finished", () -> finished.size() == 2);

    assertThat(outcomes.writtenTo(outcomes.topics.retry(1).name())).singleElement().satisfies(r -> {
      assertThat(header(r, RetryHeaders.REASON)).isEqualTo("worker-error");
      assertThat(header(r, RetryHeaders.ATTEMPTS)).as("counted as a failed attempt").isEqualTo("1");
    });
    assertThat(outcomes.statusesWritten()).extracting(DeliveryStatus::getState)
        .containsExactly(DeliveryState.RETRYING, DeliveryState.SENT);
    assertThat(outcomes.statusesWritten().get(0).getDetail()).contains("NullPointerException");
    assertThat(smtp.messages()).as("the lane goes on").hasSize(1);
  }

  @Test
  void aRuntimeExceptionBeforeTheSendIsRetriedAsAWorkerErrorToo() {
    lane = lane(Limits.of(1, 1), ReplyClassifier.defaults(), BreakerSettings.defaults());
    sleeperThrows = new IllegalStateException("the sleeper broke");

    submit(2);

    assertThat(smtp.messages()).hasSize(1);
    assertThat(outcomes.writtenTo(outcomes.topics.retry(1).name())).singleElement()
        .satisfies(r -> assertThat(header(r, RetryHeaders.REASON)).isEqualTo("worker-error"));
    assertThat(outcomes.statusesWritten().get(1).getDetail()).contains("the sleeper broke");
  }

  /**
   * An account with a quota reserves each send before it starts, and the outcome settles the reservation: the
   * server's refusal releases it; an accepted send's usage record (the status writer's) names it.
   */
  @Test
  void aQuotaAccountsSendsAreReservedFirstAndARefusedOneIsReleased() {
    MockProducer<String, Object> usage = new MockProducer<>(true, null, new StringSerializer(),
        (topic, value) -> new byte[] {1});
    smtp.script().at(Stage.RCPT).matching("user1@example.com").reply("550 5.1.1 No such user").always();
    lane = quotaLane(usage);

    submit(2);

    assertThat(smtp.messages()).hasSize(1);
    List<QuotaUsage> records = usage.history().stream().map(r -> (QuotaUsage) r.value()).toList();
    assertThat(records).extracting(QuotaUsage::getKind).as("two reservations, then the refused one released")
        .containsExactly(UsageKind.RESERVED, UsageKind.RESERVED, UsageKind.RELEASED);
    QuotaUsage released = records.get(2);
    assertThat(records.subList(0, 2)).anySatisfy(r -> {
      assertThat(r.getNotificationId()).isEqualTo(released.getNotificationId());
      assertThat(r.getReservedAt()).isEqualTo(released.getReservedAt());
      assertThat(r.getAcceptedAt()).as("the latest moment the server could take it")
          .isAfter(r.getReservedAt().plus(QuotaReservations.ACK_WAIT));
    });
    assertThat(released.getNotificationId())
        .isEqualTo(WorkerHarness.notification("e1", "user1@example.com", "default").getNotificationId());
  }

  /** A reservation the broker refuses starts no send: the mail is retried as the worker's error, never at the server. */
  @Test
  void aSendWhoseReservationFailsNeverStartsAndIsRetried() {
    MockProducer<String, Object> usage = new MockProducer<>(false, null, new StringSerializer(),
        (topic, value) -> new byte[] {1});
    lane = quotaLane(usage);

    lane.submit(delivery(WorkerHarness.notification("e0", "user0@example.com", "default"), 0));
    Await.until(TIMEOUT, "a reservation on its way", () -> usage.history().size() == 1);
    usage.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("the usage topic is short"));
    Await.until(TIMEOUT, "the delivery finished", () -> finished.size() == 1);

    assertThat(smtp.messages()).isEmpty();
    assertThat(smtp.connectionCount()).as("nothing was said to the server").isZero();
    assertThat(outcomes.writtenTo(outcomes.topics.retry(1).name())).singleElement()
        .satisfies(r -> assertThat(header(r, RetryHeaders.REASON)).isEqualTo("worker-error"));
    assertThat(outcomes.statusesWritten().get(0).getDetail()).contains("could not be reserved", "short");
  }

  private AccountLane quotaLane(MockProducer<String, Object> usage) {
    Limits limits = new Limits(1_000, 1_000, null, 100);
    AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), WorkerHarness.FROM)
        .withLimits(limits).withPoolSize(1);
    QuotaReservations reservations = new QuotaReservations(usage, outcomes.topics.usage().name(), "w1",
        new QuotaLedger(), clock);
    return new AccountLane(account, new AccountGuard("default", BreakerSettings.defaults(), clock),
        new AccountThrottle(limits, clock), ReplyClassifier.defaults(), outcomes.statuses, outcomes.retries,
        finished::add, sleeper, clock, name -> null, "w1", outcomes.metrics.account("default"),
        dev.notifier.sender.failover.Failover.NONE, null, reservations);
  }

  @Test
  void deliveriesQueuedForAConnectionGoOutTogetherPipelined() {
    // the greeting comes late, so the deliveries after the first are queued while it connects
    smtp.script().delay(Stage.CONNECT, Duration.ofMillis(300));
    lane = lane(new Limits(1_000_000, 1_000_000, null, null), ReplyClassifier.defaults(), BreakerSettings.defaults());

    submit(20);

    assertThat(outcomes.statusesWritten()).hasSize(20)
        .allSatisfy(s -> assertThat(s.getState()).isEqualTo(DeliveryState.SENT));
    assertThat(smtp.messages()).hasSize(20);
    assertThat(smtp.connectionCount()).isEqualTo(1);
    assertThat(smtp.pipelinedCommandCount()).as("commands that arrived before the one before was answered")
        .isGreaterThanOrEqualTo(2);
  }

  /** Submits {@code count} notifications, to user0.. at offsets 0.., and waits until all are finished. */
  private void submit(int count) {
    for (int i = 0; i < count; i++) {
      lane.submit(delivery(WorkerHarness.notification("e" + i, "user" + i + "@example.com", "default"), i));
    }
    Await.until(TIMEOUT, "every delivery finished", () -> finished.size() == count);
  }

  private AccountLane lane(Limits limits, ReplyClassifier classifier, BreakerSettings breaker) {
    AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), WorkerHarness.FROM)
        .withLimits(limits);
    return new AccountLane(account, new AccountGuard("default", breaker, clock), new AccountThrottle(limits, clock),
        classifier, outcomes.statuses, outcomes.retries, finished::add, sleeper, clock, name -> null, "w1",
        outcomes.metrics.account("default"));
  }

  private Delivery delivery(Notification n, long offset) {
    return MockOutcomes.delivery(new ConsumerRecord<>(outcomes.topics.send().name(), 0, offset, n.getNotificationId(), n));
  }
}
