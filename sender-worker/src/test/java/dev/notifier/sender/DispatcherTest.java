package dev.notifier.sender;

import static dev.notifier.sender.MockOutcomes.due;
import static dev.notifier.sender.MockOutcomes.waitUntil;
import static dev.notifier.sender.MockOutcomes.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.sender.config.Limits;
import dev.notifier.sender.retry.Delivery;
import dev.notifier.sender.retry.RetryHeaders;
import dev.notifier.sender.throttle.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the poll thread sends deliveries, over mock-producer writers. The lane of account
 * {@code slow} (0.1 messages a second, so a backlog limit of 4) is stopped before the test: what
 * is dispatched to it stays queued, as behind a slow server.
 */
class DispatcherTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final TopicPartition P0 = new TopicPartition("notifier.send", 0);

  private final MutableClock clock = new MutableClock(START);
  private final MockOutcomes outcomes = new MockOutcomes(clock, "slow");
  private final OffsetTracker tracker = new OffsetTracker();
  private AccountLane lane;
  private Dispatcher dispatcher;

  @BeforeEach
  void stoppedLane() {
    lane = outcomes.stoppedLane("slow", Limits.of(0.1, 1), clock, tracker);
    dispatcher = new Dispatcher(Map.of("slow", lane), tracker, outcomes.retries, outcomes.deadLetters,
        outcomes.statuses, clock, Duration.ofSeconds(30));
  }

  @AfterEach
  void closeLane() {
    lane.close();
  }

  @Test
  void aNotificationForAnAccountThisWorkerLacksIsDeadLetteredAndFinished() {
    dispatcher.dispatch(delivery("nobody", 0));

    assertThat(outcomes.deadLettersWritten()).singleElement().satisfies(letter -> {
      assertThat(letter.getFailureClass()).isEqualTo("UNKNOWN_ACCOUNT");
      assertThat(letter.getKind()).isEqualTo("unknown-account");
      assertThat(letter.getFix()).contains("'nobody'");
    });
    assertThat(outcomes.statusesWritten()).singleElement()
        .satisfies(s -> assertThat(s.getState()).isEqualTo(DeliveryState.DEAD));
    assertThat(committable()).isEqualTo(1);
  }

  @Test
  void mailBeyondTheBacklogLimitIsDeferredToTheWaitTopic() {
    for (int offset = 0; offset < 5; offset++) {
      dispatcher.dispatch(delivery("slow", offset));
    }

    assertThat(lane.backlog()).isEqualTo(4);
    assertThat(outcomes.writtenToWaitTiers()).singleElement().satisfies(r -> {
      assertThat(header(r, RetryHeaders.REASON)).isEqualTo("backlog");
      assertThat(header(r, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("4");
      assertThat(waitUntil(r)).as("the queue ahead of it at the account's rate").isEqualTo(START.plusSeconds(40));
    });
    assertThat(outcomes.statusesWritten()).singleElement()
        .satisfies(s -> assertThat(s.getState()).isEqualTo(DeliveryState.RETRYING));
    assertThat(committable()).as("the queued four are not finished").isZero();
  }

  @Test
  void criticalMailJoinsAFullLaneAheadOfItsBacklog() {
    for (int offset = 0; offset < 4; offset++) {
      dispatcher.dispatch(delivery("slow", offset));
    }

    dispatcher.dispatch(delivery("slow", 4, Priority.CRITICAL));
    dispatcher.dispatch(delivery("slow", 5, Priority.BULK));

    assertThat(lane.backlog()).as("the four normal ones and the critical one").isEqualTo(5);
    assertThat(outcomes.writtenToWaitTiers()).singleElement()
        .satisfies(r -> assertThat(header(r, RetryHeaders.ORIGINAL_OFFSET)).isEqualTo("5"));
    assertThat(lane.withdraw(d -> true)).extracting(Delivery::offset)
        .as("taken in the lane's order: critical first").containsExactly(4L, 0L, 1L, 2L, 3L);
  }

  @Test
  void handingOverWritesTheQueuedMailDueNowAndFinishesItsOffsets() {
    for (int offset = 0; offset < 3; offset++) {
      dispatcher.dispatch(delivery("slow", offset));
    }

    int handedOver = dispatcher.handOver(List.of(P0));

    assertThat(handedOver).isEqualTo(3);
    assertThat(lane.backlog()).isZero();
    assertThat(outcomes.writtenToWaitTiers()).hasSize(3).allSatisfy(r -> {
      assertThat(header(r, RetryHeaders.REASON)).isEqualTo("handed-over");
      assertThat(waitUntil(r)).isEqualTo(START);
    });
    assertThat(committable()).as("the commit moves past all three").isEqualTo(3);
  }

  @Test
  void mailOfALostPartitionIsTakenBackUnfinishedAndNotWritten() {
    dispatcher.dispatch(delivery("slow", 0));
    dispatcher.dispatch(delivery("slow", 1));

    int withdrawn = dispatcher.withdraw(List.of(P0));

    assertThat(withdrawn).isEqualTo(2);
    assertThat(outcomes.producer.history()).isEmpty();
    assertThat(committable()).as("the new owner delivers them").isZero();
    assertThat(tracker.working(List.of(P0))).isZero();
  }

  private Delivery delivery(String account, long offset) {
    return delivery(account, offset, Priority.NORMAL);
  }

  private Delivery delivery(String account, long offset, Priority priority) {
    Notification n = WorkerHarness.notification("e" + offset, "user" + offset + "@example.com", account);
    n.setPriority(priority);
    return MockOutcomes.delivery(new ConsumerRecord<>(P0.topic(), P0.partition(), offset, n.getNotificationId(), n));
  }

  private long committable() {
    OffsetAndMetadata offset = tracker.committable(List.of(P0)).get(P0);
    return offset == null ? -1 : offset.offset();
  }
}
