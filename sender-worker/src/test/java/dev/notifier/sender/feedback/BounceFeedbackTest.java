package dev.notifier.sender.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.avro.Notification;
import dev.notifier.sender.MockOutcomes;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import dev.notifier.sender.throttle.MutableClock;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A worker's own rejections become feedback, in the same batch as their outcome: a dead recipient a
 * hard bounce, a full or busy mailbox a soft one, and nothing about the account or the message.
 */
class BounceFeedbackTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final MockOutcomes outcomes = new MockOutcomes(new MutableClock(NOW), BackoffPolicy.builder().build(),
      new BounceFeedback(dev.notifier.schemas.Topics.standard()), "default");
  private final Notification n = MockOutcomes.notification("e1", "Alice@Example.com", "default");
  private final Delivery d = MockOutcomes.delivery(new ConsumerRecord<>(outcomes.topics.send().name(), 2, 17L,
      n.getNotificationId(), n));

  private void fail(String step, String reply) {
    SmtpReply r = SmtpReply.parse(reply);
    DeliveryException e = new DeliveryException(step, r, reply, null);
    outcomes.retries.failed(d, ReplyClassifier.defaults().classify(e), e, () -> { });
  }

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource(delimiter = '|', value = {
      "rcpt | 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown | HARD_BOUNCE",
      "rcpt | 550 Mailbox not found                                                    | HARD_BOUNCE",
      "rcpt | 552 5.2.2 Mailbox full                                                   | HARD_BOUNCE",
      "rcpt | 452 4.2.2 Mailbox full, try again later                                  | SOFT_BOUNCE",
      "rcpt | 450 Requested mail action not taken: mailbox unavailable                 | SOFT_BOUNCE"})
  void aRejectionOfTheRecipientIsFeedbackKeyedByTheNormalisedAddress(String step, String reply, FeedbackKind kind) {
    fail(step, reply);

    ProducerRecord<String, Object> record = outcomes.writtenTo(outcomes.topics.feedback().name()).get(0);
    Feedback f = (Feedback) record.value();
    assertThat(record.key()).isEqualTo("alice@example.com");
    assertThat(f.getKind()).isEqualTo(kind);
    assertThat(f.getAddress()).isEqualTo("alice@example.com");
    assertThat(f.getNotificationId()).isEqualTo(n.getNotificationId());
    assertThat(f.getReplyCode()).isEqualTo(SmtpReply.parse(reply).code());
    assertThat(f.getSource()).isEqualTo("smtp:default");
    assertThat(f.getAt()).isEqualTo(NOW);
    // written with the outcome: a dead letter or a retry, and a status
    assertThat(outcomes.statusesWritten()).hasSize(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "rcpt | 550 Connection frequency limited",
      "auth | 535 5.7.8 Authentication credentials invalid",
      "mail | 553 Mail from must equal authorized user",
      "data | 554 5.7.1 Message refused as spam",
      "rcpt | 421 4.7.0 Try again later",
      "rcpt | 451 4.3.0 Local error in processing"})
  void aRefusalAboutTheAccountOrTheMessageSaysNothingOfTheAddress(String step, String reply) {
    fail(step, reply);

    assertThat(outcomes.writtenTo(outcomes.topics.feedback().name())).isEmpty();
    assertThat(outcomes.statusesWritten()).isNotEmpty();
  }
}
