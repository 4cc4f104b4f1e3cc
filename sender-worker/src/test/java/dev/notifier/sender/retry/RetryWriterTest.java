package dev.notifier.sender.retry;

import static dev.notifier.sender.MockOutcomes.due;
import static dev.notifier.sender.MockOutcomes.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.ReplayHeaders;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.MockOutcomes;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import dev.notifier.sender.throttle.MutableClock;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * What the retry stage writes for a failed or held-back delivery, over Kafka's MockProducer: the
 * retry or wait record with its headers and a RETRYING status, or a dead letter when it gives up.
 * Backoff: 1 s doubling, no jitter, for 1 h.
 */
class RetryWriterTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final MockOutcomes outcomes = new MockOutcomes(clock,
      BackoffPolicy.builder().jitter(0).lifetime(Duration.ofHours(1)).build(), "default");
  private final Topics topics = outcomes.topics;
  private final AtomicInteger done = new AtomicInteger();

  @Test
  void aTransientFailureGoesToTheRetryTopicOfItsAttemptDueAfterTheBackoff() {
    Delivery third = fromRetryTopic(2, NOW.minusSeconds(30), "timeout");

    outcomes.retries.failed(third, classify("451 4.7.1 Try again later"), failure("451 4.7.1 Try again later"),
        done::incrementAndGet);

    ProducerRecord<String, Object> retry = single(topics.retry(3).name());
    assertThat(header(retry, RetryHeaders.ATTEMPTS)).isEqualTo("3");
    assertThat(header(retry, RetryHeaders.FIRST_FAILURE)).isEqualTo(String.valueOf(NOW.minusSeconds(30).toEpochMilli()));
    assertThat(due(retry)).as("1 s doubled twice").isEqualTo(NOW.plusSeconds(4));
    assertThat(header(retry, RetryHeaders.ORIGINAL_TOPIC)).as("the origin travels on").isEqualTo(topics.send().name());
    assertThat(header(retry, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("42");
    DeliveryStatus status = singleStatus();
    assertThat(status.getState()).isEqualTo(DeliveryState.RETRYING);
    assertThat(status.getAttempts()).isEqualTo(3);
    assertThat(status.getDetail()).startsWith("451 4.7.1 Try again later").endsWith("next attempt at " + NOW.plusSeconds(4));
    assertThat(done).hasValue(1);
  }

  @Test
  void aReplayedNotificationKeepsWhenItWasReplayedThroughTheRetryAndWaitTiers() {
    Instant replayed = NOW.minusSeconds(90);
    RecordHeaders replay = new RecordHeaders();
    replay.add(ReplayHeaders.AT, replayed.toString().getBytes(StandardCharsets.UTF_8));
    replay.add(ReplayHeaders.REASON, "mailbox restored".getBytes(StandardCharsets.UTF_8));
    Delivery fromSendTopic = delivery(topics.send().name(), replay);
    assertThat(fromSendTopic.requestedAt()).as("timed from the replay, not from createdAt")
        .isEqualTo(replayed).isNotEqualTo(fromSendTopic.notification().getCreatedAt());

    outcomes.retries.failed(fromSendTopic, classify("451 4.7.1 Try again later"),
        failure("451 4.7.1 Try again later"), done::incrementAndGet);
    ProducerRecord<String, Object> retry = single(topics.retry(1).name());
    assertThat(header(retry, ReplayHeaders.AT)).isEqualTo(replayed.toString());
    assertThat(retry.headers().lastHeader(ReplayHeaders.REASON)).as("only the time travels on").isNull();

    Delivery fromRetryTopic = delivery(topics.retry(1).name(), retry.headers());
    outcomes.retries.deferred(fromRetryTopic, "throttled", Duration.ofSeconds(30), done::incrementAndGet);
    ProducerRecord<String, Object> waiting = outcomes.writtenToWaitTiers().stream().reduce((a, b) -> b).orElseThrow();
    assertThat(waiting.headers().headers(ReplayHeaders.AT)).as("once, not once a hop").hasSize(1);
    assertThat(delivery(waiting.topic(), waiting.headers()).requestedAt()).isEqualTo(replayed);
  }

  @Test
  void theLastTierTakesEveryLaterAttempt() {
    outcomes.retries.failed(fromRetryTopic(8, NOW, "timeout"), classify("421 busy"), failure("421 busy"),
        done::incrementAndGet);

    assertThat(single(topics.retry(Topics.RETRY_TIERS).name())).isNotNull();
  }

  @Test
  void aTransientFailurePastTheLifetimeIsDeadLetteredAsExpired() {
    Delivery old = fromRetryTopic(5, NOW.minus(Duration.ofMinutes(59).plusSeconds(50)), "timeout");

    outcomes.retries.failed(old, classify("451 4.7.1 Try again later"), failure("451 4.7.1 Try again later"),
        done::incrementAndGet);

    assertThat(outcomes.writtenTo(topics.retry(5).name())).isEmpty();
    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("EXPIRED");
      assertThat(letter.getKind()).isEqualTo("expired");
      assertThat(letter.getFix()).startsWith("the lifetime budget ran out after 6 attempts; last: 451 4.7.1");
      assertThat(letter.getReplyCode()).isEqualTo(451);
      assertThat(letter.getAttempts()).isEqualTo(6);
    });
    assertThat(singleStatus().getState()).isEqualTo(DeliveryState.DEAD);
    assertThat(done).hasValue(1);
  }

  @Test
  void aPermanentFailureIsDeadLetteredAtOnceUnderItsActionsName() {
    outcomes.retries.failed(fresh(), classify("550 5.1.1 User unknown"), failure("550 5.1.1 User unknown"),
        done::incrementAndGet);

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo(Action.DEAD_RECIPIENT.name());
      assertThat(letter.getKind()).isEqualTo("mailbox-unknown");
      assertThat(letter.getEnhancedCode()).isEqualTo("5.1.1");
      assertThat(letter.getAttempts()).isEqualTo(1);
      assertThat(letter.getFirstFailureAt()).isEqualTo(NOW);
    });
    assertThat(outcomes.producer.history()).hasSize(2);
  }

  @Test
  void heldBackMailWaitsInTheWaitTierBelowItsWaitAndTheLedgerSaysWhyOnce() {
    outcomes.retries.deferred(fresh(), "throttled", Duration.ofSeconds(7), done::incrementAndGet);

    // 7 s: the 5 s tier, taken after 5 s, then on to the 1 s tier for the 2 s left (PartitionSource)
    String fiveSeconds = topics.waitTiers().get(Topics.waitTierFor(Duration.ofSeconds(7))).name();
    assertThat(fiveSeconds).endsWith("notifier.send.wait.5s");
    ProducerRecord<String, Object> wait = single(fiveSeconds);
    assertThat(header(wait, RetryHeaders.REASON)).isEqualTo("throttled");
    assertThat(header(wait, RetryHeaders.ATTEMPTS)).as("no attempt was made").isEqualTo("0");
    assertThat(due(wait)).as("taken from the tier after its delay").isEqualTo(NOW.plusSeconds(5));
    assertThat(header(wait, RetryHeaders.WAIT_UNTIL)).isEqualTo(String.valueOf(NOW.plusSeconds(7).toEpochMilli()));
    assertThat(singleStatus().getDetail()).isEqualTo("waiting until " + NOW.plusSeconds(7) + " (throttled)");

    Delivery again = delivery(fiveSeconds, wait.headers());
    outcomes.retries.deferred(again, "throttled", Duration.ofSeconds(2), done::incrementAndGet);

    assertThat(outcomes.writtenToWaitTiers()).hasSize(2);
    assertThat(outcomes.writtenTo(topics.waitTiers().get(1).name())).as("the hop to the 1 s tier").hasSize(1);
    assertThat(outcomes.statusesWritten()).as("still throttled: no second status").hasSize(1);
    assertThat(done).hasValue(2);
  }

  @Test
  void mailThatWouldWaitPastItsLifetimeIsDeadLetteredAsExpired() {
    Delivery failedBefore = fromRetryTopic(1, NOW.minus(Duration.ofMinutes(59)), "timeout");

    outcomes.retries.deferred(failedBefore, "breaker-open", Duration.ofMinutes(2), done::incrementAndGet);

    assertThat(outcomes.writtenToWaitTiers()).isEmpty();
    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("EXPIRED");
      assertThat(letter.getFix()).isEqualTo("the lifetime budget ran out while the mail waited (breaker-open)");
    });
  }

  @Test
  void theLastRepliesWaitWithTheMailAndAnExpiryWhileItWaitsIsDeadLetteredWithThem() {
    outcomes.retries.failed(fresh(), classify("451 4.3.0 Local error"), failure("451 4.3.0 Local error"),
        done::incrementAndGet);
    ProducerRecord<String, Object> retry = single(topics.retry(1).name());
    assertThat(header(retry, RetryHeaders.LAST_REPLY)).isEqualTo("451 4.3.0 Local error");
    assertThat(header(retry, RetryHeaders.LAST_EXCEPTION)).isEqualTo(SocketTimeoutException.class.getName());

    // the retry finds the breaker open: it waits, and the wait record carries the reply on
    outcomes.retries.deferred(delivery(topics.retry(1).name(), retry.headers()), "breaker-open",
        Duration.ofSeconds(30), done::incrementAndGet);
    ProducerRecord<String, Object> wait = single(topics.waitTiers().get(Topics.waitTierFor(Duration.ofSeconds(30)))
        .name());
    assertThat(header(wait, RetryHeaders.LAST_REPLY)).isEqualTo("451 4.3.0 Local error");
    assertThat(header(wait, RetryHeaders.LAST_EXCEPTION)).isEqualTo(SocketTimeoutException.class.getName());

    // taken again near the end of its hour, still held back: no time left to wait
    clock.set(NOW.plus(Duration.ofMinutes(59)));
    outcomes.retries.deferred(delivery(wait.topic(), wait.headers()), "breaker-open", Duration.ofMinutes(2),
        done::incrementAndGet);

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("EXPIRED");
      assertThat(letter.getFix())
          .isEqualTo("the lifetime budget ran out while the mail waited (breaker-open); last: 451 4.3.0 Local error");
      assertThat(letter.getReplyCode()).isEqualTo(451);
      assertThat(letter.getEnhancedCode()).isEqualTo("4.3.0");
      assertThat(letter.getReplyText()).isEqualTo("Local error");
      assertThat(letter.getExceptionClass()).isEqualTo(SocketTimeoutException.class.getName());
      assertThat(letter.getAttempts()).isEqualTo(1);
    });
    assertThat(done).hasValue(3);
  }

  @Test
  void aNewFailureReplacesTheLastReplyAndAnAttemptWithoutAReplyLeavesOnlyItsException() {
    Delivery second = delivery(topics.retry(1).name(), withLastReply("451 4.3.0 Local error"));

    outcomes.retries.failed(second, classify("421 4.4.2 Timeout"), failure("421 4.4.2 Timeout"), done::incrementAndGet);
    ProducerRecord<String, Object> retry = single(topics.retry(2).name());
    assertThat(retry.headers().headers(RetryHeaders.LAST_REPLY)).as("one reply, the new one").singleElement()
        .extracting(h -> new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("421 4.4.2 Timeout");

    DeliveryException silent = new DeliveryException("connect", null, "connection refused",
        new java.net.ConnectException("refused"));
    outcomes.retries.failed(delivery(topics.retry(1).name(), withLastReply("451 4.3.0 Local error")),
        ReplyClassifier.defaults().classify(silent), silent, done::incrementAndGet);
    ProducerRecord<String, Object> noReply = single(topics.retry(2).name(), 1);
    assertThat(noReply.headers().lastHeader(RetryHeaders.LAST_REPLY)).as("the earlier reply is not this attempt's")
        .isNull();
    assertThat(header(noReply, RetryHeaders.LAST_EXCEPTION)).isEqualTo("java.net.ConnectException");
  }

  @Test
  void aLastReplyHeaderThatIsNotAReplyReadsAsNone() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RetryHeaders.LAST_REPLY, "not a reply".getBytes(StandardCharsets.UTF_8));

    assertThat(RetryHeaders.lastReply(headers)).isNull();
    assertThat(RetryHeaders.lastReply(new RecordHeaders())).isNull();
  }

  @Test
  void deferredAndRetriedMailStaysOnItsSendPartitionsNumberWhateverItsKeyHashesTo() {
    RetryWriter placed = new RetryWriter(topics, new dev.notifier.sender.outcome.AcknowledgedWrites(outcomes.producer,
        outcomes.fatal::add), outcomes.statuses, BackoffPolicy.builder().jitter(0).lifetime(Duration.ofHours(1)).build(),
        clock, () -> 0.5, outcomes.deadLetters, outcomes.metrics, AttemptFeedback.NONE,
        new RetryPlacement(topic -> topic.equals(topics.retry(1).name()) ? 2 : 5));
    Delivery fromPartition3 = delivery(topics.send().name(), 3, new RecordHeaders());

    placed.deferred(fromPartition3, "throttled", Duration.ofSeconds(58), done::incrementAndGet);
    placed.failed(fromPartition3, classify("421 busy"), failure("421 busy"), done::incrementAndGet);

    assertThat(single(topics.waitTiers().get(Topics.waitTierFor(Duration.ofSeconds(58))).name()).partition())
        .as("its own send partition's number, so it comes back as partition 3's mail").isEqualTo(3);
    assertThat(single(topics.retry(1).name()).partition()).as("a topic with only 2 partitions: by the key's hash")
        .isNull();
    assertThat(new RetryPlacement(topic -> { throw new IllegalStateException("no metadata"); })
        .partition(topics.retry(1).name(), 3)).as("metadata not at hand: by the key's hash").isNull();
  }

  @Test
  void aTierGivenMorePartitionsTakesTheNewSendPartitionsMailOnItsNumber() {
    java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger(2);
    RetryPlacement placement = new RetryPlacement(topic -> count.get());
    assertThat(placement.partition("tier", 1)).isEqualTo(1);
    assertThat(placement.partition("tier", 3)).as("2 partitions: by the key's hash").isNull();

    count.set(4); // notifier topics grow
    assertThat(placement.partition("tier", 3)).as("asked again, it has 4 now").isEqualTo(3);
    count.set(0); // metadata not at hand a moment later
    assertThat(placement.partition("tier", 3)).as("the count learned is kept").isEqualTo(3);
  }

  private ProducerRecord<String, Object> single(String topic) {
    List<ProducerRecord<String, Object>> records = outcomes.writtenTo(topic);
    assertThat(records).as("records in %s", topic).hasSize(1);
    return records.get(0);
  }

  private ProducerRecord<String, Object> single(String topic, int index) {
    List<ProducerRecord<String, Object>> records = outcomes.writtenTo(topic);
    assertThat(records).as("records in %s", topic).hasSizeGreaterThan(index);
    return records.get(index);
  }

  private Headers withLastReply(String reply) {
    ProducerRecord<String, Object> earlier = new ProducerRecord<>(topics.retry(1).name(), "key", null);
    RetryHeaders.write(earlier.headers(), 1, NOW.minusSeconds(5), NOW, null, "server-error");
    RetryHeaders.writeLastFailure(earlier.headers(), SmtpReply.parse(reply), SocketTimeoutException.class.getName());
    return earlier.headers();
  }

  private DeliveryStatus singleStatus() {
    List<DeliveryStatus> statuses = outcomes.statusesWritten();
    assertThat(statuses).hasSize(1);
    return statuses.get(0);
  }

  private static Classification classify(String reply) {
    return ReplyClassifier.defaults().classify("rcpt", SmtpReply.parse(reply), null);
  }

  private static DeliveryException failure(String reply) {
    return new DeliveryException("rcpt", SmtpReply.parse(reply), "refused: " + reply,
        new SocketTimeoutException("not really"));
  }

  private Delivery fresh() {
    return delivery(topics.send().name(), new RecordHeaders());
  }

  /** A record read from a retry topic after {@code failed} attempts, first failing at {@code first}. */
  private Delivery fromRetryTopic(int failed, Instant first, String reason) {
    ProducerRecord<String, Object> earlier = new ProducerRecord<>(topics.retry(1).name(), "key", null);
    RetryHeaders.write(earlier.headers(), failed, first, NOW, null, reason);
    earlier.headers().add(RetryHeaders.ORIGINAL_TOPIC, topics.send().name().getBytes(StandardCharsets.UTF_8));
    earlier.headers().add(RetryHeaders.ORIGINAL_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
    earlier.headers().add(RetryHeaders.ORIGINAL_OFFSET, "42".getBytes(StandardCharsets.UTF_8));
    return delivery(topics.retry(Math.min(failed, Topics.RETRY_TIERS)).name(), earlier.headers());
  }

  private static Delivery delivery(String topic, Headers headers) {
    return delivery(topic, 0, headers);
  }

  private static Delivery delivery(String topic, int partition, Headers headers) {
    Notification n = MockOutcomes.notification("e1", "alice@example.com", "default");
    ConsumerRecord<String, Notification> record = new ConsumerRecord<>(topic, partition, 42L, 0L, TimestampType.CREATE_TIME,
        0, 0, n.getNotificationId(), n, new RecordHeaders(headers.toArray()), Optional.empty());
    return MockOutcomes.delivery(record);
  }
}
