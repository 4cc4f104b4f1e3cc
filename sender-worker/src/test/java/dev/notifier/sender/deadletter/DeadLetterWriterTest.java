package dev.notifier.sender.deadletter;

import static dev.notifier.sender.MockOutcomes.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.sender.MockOutcomes;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.RetryHeaders;
import dev.notifier.sender.smtp.SmtpReply;
import dev.notifier.sender.throttle.MutableClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A dead letter carries its story: the failure facts in the value, the origin and exception in headers. */
class DeadLetterWriterTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final MockOutcomes outcomes = new MockOutcomes(new MutableClock(NOW), "default");
  private final Notification n = MockOutcomes.notification("e1", "alice@example.com", "default");
  private final Delivery d = MockOutcomes.delivery(new ConsumerRecord<>(outcomes.topics.send().name(), 2, 17L,
      n.getNotificationId(), n));

  @Test
  void theDeadLetterHoldsTheFailureAndItsHeadersTheOrigin() {
    Classification why = new Classification(Action.DEAD_RECIPIENT, false, "mailbox-unknown", "remove the address");
    AtomicBoolean done = new AtomicBoolean();

    outcomes.deadLetters.dead(d, why, SmtpReply.parse("550 5.1.1 User unknown"), "org.example.Refused", 2,
        NOW.minusSeconds(60), () -> done.set(true));

    ProducerRecord<String, Object> record = outcomes.writtenTo(outcomes.topics.deadLetters().name()).get(0);
    DeadLetter letter = (DeadLetter) record.value();
    assertThat(record.key()).isEqualTo(n.getNotificationId());
    assertThat(letter.getNotification()).isEqualTo(n);
    assertThat(letter.getFailureClass()).isEqualTo("DEAD_RECIPIENT");
    assertThat(letter.getKind()).isEqualTo("mailbox-unknown");
    assertThat(letter.getFix()).isEqualTo("remove the address");
    assertThat(letter.getReplyCode()).isEqualTo(550);
    assertThat(letter.getEnhancedCode()).isEqualTo("5.1.1");
    assertThat(letter.getAttempts()).isEqualTo(2);
    assertThat(letter.getWorkerId()).isEqualTo("w1");
    assertThat(letter.getFirstFailureAt()).isEqualTo(NOW.minusSeconds(60));
    assertThat(letter.getLastFailureAt()).isEqualTo(NOW);
    assertThat(header(record, RetryHeaders.ORIGINAL_TOPIC)).isEqualTo(outcomes.topics.send().name());
    assertThat(header(record, RetryHeaders.ORIGINAL_PARTITION)).isEqualTo("2");
    assertThat(header(record, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("17");
    assertThat(header(record, DeadLetters.EXCEPTION_CLASS)).isEqualTo("org.example.Refused");
    assertThat(outcomes.statusesWritten()).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(DeliveryState.DEAD);
      assertThat(s.getReason()).isEqualTo("mailbox-unknown");
      assertThat(s.getDetail()).endsWith(" — remove the address");
    });
    assertThat(done).isTrue();
  }

  @Test
  void anUnknownAccountIsNamedInTheFixAndCountedUnderTheUnknownTag() {
    Notification orphan = MockOutcomes.notification("e2", "bob@example.com", "no-such-account");

    outcomes.deadLetters.unknownAccount(MockOutcomes.delivery(new ConsumerRecord<>(outcomes.topics.send().name(), 0, 3L,
        orphan.getNotificationId(), orphan)), () -> { });

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo(Action.UNKNOWN_ACCOUNT.name());
      assertThat(letter.getFix()).isEqualTo(
          "add account 'no-such-account' to the config's accounts, or fix the team routing");
      assertThat(letter.getFirstFailureAt()).isEqualTo(NOW);
    });
    assertThat(outcomes.metrics.registry().get(WorkerMetrics.DEAD_LETTERS)
        .tags("account", WorkerMetrics.UNKNOWN_ACCOUNT, "class", "UNKNOWN_ACCOUNT").counter().count()).isEqualTo(1);
  }
}
