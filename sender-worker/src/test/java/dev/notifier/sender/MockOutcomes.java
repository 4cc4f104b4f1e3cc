package dev.notifier.sender;

import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.RetryHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.BackoffPolicy;
import dev.notifier.sender.config.BreakerSettings;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.deadletter.DeadLetterWriter;
import dev.notifier.sender.guard.AccountGuard;
import dev.notifier.sender.metrics.WorkerMetrics;
import dev.notifier.sender.outcome.AcknowledgedWrites;
import dev.notifier.sender.outcome.Statuses;
import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.retry.RetryHeaders;
import dev.notifier.sender.retry.AttemptFeedback;
import dev.notifier.sender.retry.RetryWriter;
import dev.notifier.sender.throttle.AccountThrottle;
import dev.notifier.sender.throttle.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A worker's outcome writers wired as {@link SenderWorker} wires them, over Kafka's
 * {@link MockProducer} (which acknowledges every record at once), for unit tests: what they wrote,
 * by topic, and whether a write was fatal. Retry delays take the middle of their jitter.
 */
public final class MockOutcomes {

  public final Topics topics = Topics.standard();
  public final MockProducer<String, Object> producer =
      new MockProducer<>(true, null, new StringSerializer(), (topic, value) -> new byte[] {1});
  public final List<Exception> fatal = new CopyOnWriteArrayList<>();
  public final WorkerMetrics metrics;
  public final Statuses statuses;
  public final DeadLetterWriter deadLetters;
  public final RetryWriter retries;

  public MockOutcomes(Clock clock, BackoffPolicy backoff, String... accounts) {
    this(clock, backoff, AttemptFeedback.NONE, accounts);
  }

  /** Outcomes that also write {@code feedback}'s records (the worker's bounce feedback). */
  public MockOutcomes(Clock clock, BackoffPolicy backoff, AttemptFeedback feedback, String... accounts) {
    metrics = new WorkerMetrics(new SimpleMeterRegistry(), List.of(accounts));
    AcknowledgedWrites writes = new AcknowledgedWrites(producer, fatal::add);
    statuses = new Statuses(topics, writes, clock, metrics);
    deadLetters = new DeadLetterWriter(topics, writes, statuses, clock, "w1", metrics, feedback);
    retries = new RetryWriter(topics, writes, statuses, backoff, clock, () -> 0.5, deadLetters, metrics, feedback);
  }

  public MockOutcomes(Clock clock, String... accounts) {
    this(clock, BackoffPolicy.builder().build(), accounts);
  }

  /**
   * A lane of account {@code accountId} (a local server nobody connects to) over these writers, its
   * threads already stopped: what is submitted stays queued, as behind a slow server. It finishes
   * deliveries in {@code tracker}, and waits by moving {@code clock}.
   */
  AccountLane stoppedLane(String accountId, Limits limits, MutableClock clock, OffsetTracker tracker) {
    AccountSettings account = AccountSettings.local(accountId, "127.0.0.1", 2525, WorkerHarness.FROM)
        .withLimits(limits);
    AccountLane lane = new AccountLane(account, new AccountGuard(accountId, BreakerSettings.defaults(), clock),
        new AccountThrottle(limits, clock), ReplyClassifier.defaults(), statuses, retries,
        d -> tracker.finished(d.partition(), d.offset()), clock::advance, clock, name -> null, "w1",
        metrics.account(accountId));
    lane.stop(Duration.ofSeconds(1));
    return lane;
  }

  /**
   * The delivery of a record as a worker reads it: the notification encoded in the value, the
   * attempts its retry headers count, and its own partition as the send partition.
   */
  public static Delivery delivery(ConsumerRecord<String, Notification> record) {
    byte[] bytes;
    try {
      bytes = Topics.standard().send().valueSerde().serializer().serialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      bytes = new byte[0]; // a notification no worker could have decoded: a test of what a bug does
    }
    ConsumerRecord<String, byte[]> raw = new ConsumerRecord<>(record.topic(), record.partition(), record.offset(),
        record.timestamp(), record.timestampType(), 0, bytes.length, record.key(), bytes, record.headers(),
        java.util.Optional.empty());
    return new Delivery(raw, record.value(), RetryHeaders.attempts(record.headers()),
        RetryHeaders.firstFailure(record.headers()), record.partition());
  }

  /** The records written to any wait tier, in order. */
  public List<ProducerRecord<String, Object>> writtenToWaitTiers() {
    java.util.Set<String> tiers = new java.util.HashSet<>();
    topics.waitTiers().forEach(t -> tiers.add(t.name()));
    return producer.history().stream().filter(r -> tiers.contains(r.topic())).toList();
  }

  /** The records written to {@code topic}, in order. */
  public List<ProducerRecord<String, Object>> writtenTo(String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  public List<DeadLetter> deadLettersWritten() {
    return writtenTo(topics.deadLetters().name()).stream().map(r -> (DeadLetter) r.value()).toList();
  }

  public List<DeliveryStatus> statusesWritten() {
    return writtenTo(topics.status().name()).stream().map(r -> (DeliveryStatus) r.value()).toList();
  }

  /** A notification from {@code account} to {@code email} for event {@code eventId} (as the integration tests send). */
  public static Notification notification(String eventId, String email, String account) {
    return WorkerHarness.notification(eventId, email, account);
  }

  /** The text of the record's last header {@code key}. */
  public static String header(ProducerRecord<String, Object> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  /** When a wait-tier record's wait ends ({@link RetryHeaders#WAIT_UNTIL}). */
  public static Instant waitUntil(ProducerRecord<String, Object> record) {
    return Instant.ofEpochMilli(Long.parseLong(header(record, RetryHeaders.WAIT_UNTIL)));
  }

  /** When a retry or wait record may be taken from its topic, by its header. */
  public static Instant due(ProducerRecord<String, Object> record) {
    return Instant.ofEpochMilli(Long.parseLong(header(record, RetryHeaders.DUE)));
  }
}
