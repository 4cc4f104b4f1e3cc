package dev.notifier.sender;

import org.junit.jupiter.api.Test;

import dev.notifier.sender.retry.RetryHeaders;

import dev.notifier.schemas.Topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.throttle.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One consumer of the worker over Kafka's MockConsumer, dispatching to a stopped lane (what is
 * dispatched stays queued) and mock-producer writers.
 */
class PartitionSourceTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final MockOutcomes outcomes = new MockOutcomes(clock, "default");
  private final OffsetTracker tracker = new OffsetTracker();
  private final MockConsumer<String, byte[]> consumer = new TransactionalMockConsumer();
  private final TopicPartition partition = new TopicPartition(outcomes.topics.retry(1).name(), 0);
  private AccountLane lane;
  private PartitionSource source;

  @BeforeEach
  void assignedSource() {
    lane = outcomes.stoppedLane("default", Limits.DEFAULT, clock, tracker);
    Dispatcher dispatcher = new Dispatcher(Map.of("default", lane), tracker, outcomes.retries, outcomes.deadLetters,
        outcomes.statuses, clock, Duration.ofSeconds(30));
    source = new PartitionSource("retry", consumer, new NotificationDecoder(null), List.of(partition.topic()),
        TopicPartition::partition, tracker, dispatcher, clock, wait -> clock.advance(wait), Duration.ofSeconds(1),
        (owned, lost) -> { });
    source.subscribe();
    consumer.rebalance(List.of(partition));
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
  }

  @AfterEach
  void closeLane() {
    lane.close();
  }

  @ParameterizedTest
  @CsvSource({
      "notifier.retry.attempts, abc",
      "notifier.retry.attempts, -1",
      "notifier.retry.due, tomorrow",
      "notifier.retry.first-failure, 2026-11-22",
  })
  void aRecordWithAMalformedRetryHeaderIsDeadLetteredAndTheRecordsAfterItGoOn(String header, String value) {
    RecordHeaders bad = new RecordHeaders();
    bad.add(header, value.getBytes(StandardCharsets.UTF_8));
    consumer.addRecord(record(0, "bad@example.com", bad));
    consumer.addRecord(record(1, "good@example.com", new RecordHeaders()));

    assertThatCode(() -> source.pollOnce(Duration.ZERO)).as("the poll loop goes on").doesNotThrowAnyException();

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("MALFORMED_HEADERS");
      assertThat(letter.getKind()).isEqualTo("malformed-headers");
      assertThat(letter.getFix()).contains(header).contains("'" + value + "'");
      assertThat(letter.getNotification()).as("kept as it came").isNull();
      assertThat(decode(letter.getRawValue()).getRecipient().getEmail()).isEqualTo("bad@example.com");
    });
    assertThat(outcomes.statusesWritten()).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(DeliveryState.DEAD);
      assertThat(s.getDetail()).contains("'" + value + "'");
    });
    assertThat(lane.backlog()).as("the next record was dispatched").isEqualTo(1);
    assertThat(tracker.working(List.of(partition))).as("only the good record is still in flight").isEqualTo(1);
  }

  @Test
  void aValueInNoKnownSchemaIsDeadLetteredWithItsBytesAndHeadersAndTheRecordsAfterItGoOn() {
    RecordHeaders traced = new RecordHeaders();
    traced.add("traceparent", "00-1-2-01".getBytes(StandardCharsets.UTF_8));
    byte[] garbage = {(byte) 0xC3, 0x01, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2};
    consumer.addRecord(new ConsumerRecord<>(partition.topic(), partition.partition(), 0, START.toEpochMilli(),
        TimestampType.CREATE_TIME, 0, garbage.length, "k-0", garbage, traced, Optional.empty()));
    consumer.addRecord(record(1, "good@example.com", new RecordHeaders()));

    source.pollOnce(Duration.ZERO);

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("UNDECODABLE");
      assertThat(letter.getRecordKey()).isEqualTo("k-0");
      assertThat(bytes(letter.getRawValue())).isEqualTo(garbage);
    });
    assertThat(outcomes.writtenTo(outcomes.topics.deadLetters().name())).singleElement()
        .satisfies(r -> assertThat(MockOutcomes.header(r, "traceparent")).isEqualTo("00-1-2-01"));
    assertThat(outcomes.statusesWritten()).singleElement().satisfies(s -> {
      assertThat(s.getNotificationId()).isEqualTo("k-0");
      assertThat(s.getState()).isEqualTo(DeliveryState.DEAD);
    });
    assertThat(lane.backlog()).as("the next record was dispatched").isEqualTo(1);
  }

  @Test
  void aRecordNotDueYetPausesItsPartitionAndIsNotDispatched() {
    RecordHeaders later = new RecordHeaders();
    RetryHeaders.write(later, 1, START, START.plusSeconds(30), null, "timeout");
    consumer.addRecord(record(0, "later@example.com", later));

    source.pollOnce(Duration.ZERO);

    assertThat(consumer.paused()).containsExactly(partition);
    assertThat(lane.backlog()).isZero();
    assertThat(tracker.working(List.of(partition))).isZero();
  }

  /** A send partition just added: nothing of it is fetched until the worker lets it go, whatever else pauses. */
  @Test
  void aPartitionHeldBackIsNotReadUntilLetGoAndTheLanesHoldDoesNotLetItGo() {
    consumer.addRecord(record(0, "new@example.com", new RecordHeaders()));
    source.holdBack(Set.of(partition));
    source.pollOnce(Duration.ZERO);
    assertThat(lane.backlog()).as("nothing read of it").isZero();

    source.hold(true);
    source.hold(false);
    assertThat(consumer.paused()).as("still held back after the lanes' hold").containsExactly(partition);
    source.pollOnce(Duration.ZERO);
    assertThat(lane.backlog()).isZero();

    source.holdBack(Set.of());
    assertThat(consumer.paused()).isEmpty();
    source.pollOnce(Duration.ZERO);
    assertThat(lane.backlog()).as("read once let go").isEqualTo(1);
  }

  @Test
  void onceItsRecordsFinishAPartitionCommitsPastTheTransactionMarkerAfterThem() {
    consumer.addRecord(record(0, "a@example.com", new RecordHeaders()));
    consumer.addRecord(record(1, "b@example.com", new RecordHeaders()));

    source.pollOnce(Duration.ZERO);

    assertThat(tracker.committable(List.of(partition))).as("both in flight")
        .containsExactly(Map.entry(partition, new OffsetAndMetadata(0)));
    tracker.finished(partition, 0);
    tracker.finished(partition, 1);
    assertThat(tracker.committable(List.of(partition))).as("the marker at 2 is behind the commit: no lag left")
        .containsExactly(Map.entry(partition, new OffsetAndMetadata(3)));
  }

  @Test
  void aPartitionHeldAtARecordNotDueNeverCommitsPastItWhateverTheConsumerReadBeyond() {
    RecordHeaders later = new RecordHeaders();
    RetryHeaders.write(later, 1, START, START.plusSeconds(30), null, "timeout");
    consumer.addRecord(record(0, "now@example.com", new RecordHeaders()));
    consumer.addRecord(record(1, "later@example.com", later));
    consumer.addRecord(record(2, "after@example.com", new RecordHeaders()));

    source.pollOnce(Duration.ZERO);
    tracker.finished(partition, 0);

    assertThat(tracker.committable(List.of(partition)))
        .as("the commit stops at the held record, though the consumer read up to 4; a crash now must not lose it")
        .containsExactly(Map.entry(partition, new OffsetAndMetadata(1)));
  }

  @Test
  void aWaitTierRecordWhoseWaitIsNotOverHopsToTheTierOfWhatIsLeftWithoutReachingALane() {
    RecordHeaders waiting = new RecordHeaders();
    RetryHeaders.write(waiting, 0, null, START, START.plusSeconds(12), "breaker-open");
    consumer.addRecord(record(0, "waits@example.com", waiting));

    source.pollOnce(Duration.ZERO);

    String fiveSeconds = outcomes.topics.waitTiers().get(Topics.waitTierFor(Duration.ofSeconds(12))).name();
    assertThat(outcomes.writtenTo(fiveSeconds)).singleElement().satisfies(r -> {
      assertThat(MockOutcomes.header(r, RetryHeaders.DUE)).isEqualTo(String.valueOf(START.plusSeconds(5).toEpochMilli()));
      assertThat(MockOutcomes.header(r, RetryHeaders.WAIT_UNTIL))
          .isEqualTo(String.valueOf(START.plusSeconds(12).toEpochMilli()));
    });
    assertThat(outcomes.statusesWritten()).as("still waiting for the same reason: no new status").isEmpty();
    assertThat(lane.backlog()).isZero();
    assertThat(tracker.working(List.of(partition))).as("finished once the hop was written").isZero();
  }

  @Test
  void aWaitOfLessThanTheShortestTierIsWaitedOutAtTheHeadOfThePartition() {
    RecordHeaders almost = new RecordHeaders();
    RetryHeaders.write(almost, 0, null, START, START.plusMillis(400), "breaker-open");
    consumer.addRecord(record(0, "soon@example.com", almost));

    source.pollOnce(Duration.ZERO);

    assertThat(consumer.paused()).containsExactly(partition);
    assertThat(outcomes.producer.history()).isEmpty();
    assertThat(lane.backlog()).isZero();
  }

  /**
   * Kafka's MockConsumer reading as a read-committed consumer reads a transactional topic: after each poll's last
   * record of a partition comes the transaction's commit marker, which the poll skips and its next offsets pass.
   */
  private static final class TransactionalMockConsumer extends MockConsumer<String, byte[]> {
    TransactionalMockConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
      ConsumerRecords<String, byte[]> records = super.poll(timeout);
      Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new HashMap<>();
      records.partitions().forEach(p -> byPartition.put(p, records.records(p)));
      Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
      records.nextOffsets().forEach((p, offset) -> next.put(p, new OffsetAndMetadata(offset.offset() + 1)));
      return new ConsumerRecords<>(byPartition, next);
    }
  }

  private ConsumerRecord<String, byte[]> record(long offset, String email, RecordHeaders headers) {
    Notification n = WorkerHarness.notification("e" + offset, email, "default");
    byte[] bytes = outcomes.topics.send().valueSerde().serializer().serialize(partition.topic(), n);
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, START.toEpochMilli(),
        TimestampType.CREATE_TIME, 0, bytes.length, n.getNotificationId(), bytes, headers, Optional.empty());
  }

  private Notification decode(java.nio.ByteBuffer value) {
    return outcomes.topics.send().valueSerde().deserializer().deserialize("t", bytes(value));
  }

  private static byte[] bytes(java.nio.ByteBuffer value) {
    java.nio.ByteBuffer b = value.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
