package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.throttle.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
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
  private final MockConsumer<String, Notification> consumer = new MockConsumer<>("earliest");
  private final TopicPartition partition = new TopicPartition(outcomes.topics.retry(1).name(), 0);
  private AccountLane lane;
  private PartitionSource source;

  @BeforeEach
  void assignedSource() {
    lane = outcomes.stoppedLane("default", Limits.DEFAULT, clock, tracker);
    Dispatcher dispatcher = new Dispatcher(Map.of("default", lane), tracker, outcomes.retries, outcomes.deadLetters,
        Duration.ofSeconds(30));
    source = new PartitionSource("retry", consumer, List.of(partition.topic()), tracker, dispatcher, clock,
        wait -> clock.advance(wait), Duration.ofSeconds(1), owned -> { });
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
      assertThat(letter.getNotification().getRecipient().getEmail()).isEqualTo("bad@example.com");
    });
    assertThat(outcomes.statusesWritten()).singleElement().satisfies(s -> {
      assertThat(s.getState()).isEqualTo(DeliveryState.DEAD);
      assertThat(s.getDetail()).contains("'" + value + "'");
    });
    assertThat(lane.backlog()).as("the next record was dispatched").isEqualTo(1);
    assertThat(tracker.working(List.of(partition))).as("only the good record is still in flight").isEqualTo(1);
  }

  private ConsumerRecord<String, Notification> record(long offset, String email, RecordHeaders headers) {
    Notification n = WorkerHarness.notification("e" + offset, email, "default");
    return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, START.toEpochMilli(),
        TimestampType.CREATE_TIME, 0, 0, n.getNotificationId(), n, headers, Optional.empty());
  }
}
