package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notifier.avro.Notification;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.MutableClock;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * One account's lane over a real local SMTP server and mock-producer writers: the order of the
 * stages and what each outcome writes. Time is a mock clock; the lane's sleeper records each wait
 * and moves the clock instead of sleeping.
 */
class AccountLaneTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final MockOutcomes outcomes = new MockOutcomes(clock, "default");
  private final List<Delivery> finished = new CopyOnWriteArrayList<>();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final Sleeper sleeper = wait -> {
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
  void aMessageWithCrLfInTheSubjectIsDeadLetteredBeforeAnyConnection() {
    lane = lane(Limits.DEFAULT);
    Notification n = WorkerHarness.notification("e1", "alice@example.com", "default");
    n.setSubject("Hi\nX-Injected: yes");

    lane.submit(delivery(n, 0));
    await().atMost(TIMEOUT).until(() -> finished.size() == 1);

    assertThat(smtp.connectionCount()).isZero();
    assertThat(smtp.messages()).isEmpty();
    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("INVALID_MESSAGE");
      assertThat(letter.getKind()).isEqualTo("message-invalid");
    });
  }

  AccountLane lane(Limits limits) {
    return lane(limits, ReplyClassifier.defaults(), BreakerSettings.defaults());
  }

  AccountLane lane(Limits limits, ReplyClassifier classifier, BreakerSettings breaker) {
    AccountSettings account = AccountSettings.local("default", smtp.host(), smtp.port(), WorkerHarness.FROM)
        .withLimits(limits);
    return new AccountLane(account, new AccountGuard("default", breaker, clock), new AccountThrottle(limits, clock),
        classifier, outcomes.statuses, outcomes.retries, finished::add, sleeper, name -> null, "w1",
        outcomes.metrics.account("default"));
  }

  Delivery delivery(Notification n, long offset) {
    return Delivery.of(new ConsumerRecord<>(outcomes.topics.send().name(), 0, offset, n.getNotificationId(), n));
  }
}
