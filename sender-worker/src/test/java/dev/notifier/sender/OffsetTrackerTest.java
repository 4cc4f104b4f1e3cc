package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What may be committed while records finish out of order, are handed back, or their partition goes. */
class OffsetTrackerTest {

  private static final TopicPartition P0 = new TopicPartition("notifier.send", 0);
  private static final TopicPartition P1 = new TopicPartition("notifier.send", 1);

  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void commitsUpToTheLowestUnfinishedRecordWhateverOrderTheyFinishIn() {
    started(P0, 10, 11, 12);

    tracker.finished(P0, 12);
    tracker.finished(P0, 11);
    assertThat(committable(P0)).as("10 still in flight").isEqualTo(Map.of(P0, 10L));

    tracker.finished(P0, 10);
    assertThat(committable(P0)).as("all finished: past the last one started").isEqualTo(Map.of(P0, 13L));
  }

  @Test
  void aPartitionReadPastATransactionsMarkerCommitsUpToItOnceNothingIsInFlight() {
    started(P0, 10, 11);
    tracker.readUpTo(P0, 13); // 12 is the transaction's commit marker, which no poll returns

    assertThat(committable(P0)).as("10 still in flight").isEqualTo(Map.of(P0, 10L));
    tracker.finished(P0, 10);
    tracker.finished(P0, 11);
    assertThat(committable(P0)).as("past the marker: no lag left").isEqualTo(Map.of(P0, 13L));

    tracker.readUpTo(P0, 12);
    assertThat(committable(P0)).as("never moved back").isEqualTo(Map.of(P0, 13L));
  }

  @Test
  void partitionsAreTrackedApart() {
    started(P0, 0, 1);
    started(P1, 7);

    tracker.finished(P0, 0);
    tracker.finished(P0, 1);

    assertThat(committable(P0, P1)).isEqualTo(Map.of(P0, 2L, P1, 7L));
  }

  @Test
  void anOffsetAlreadyCommittedIsNotOfferedAgain() {
    started(P0, 0);
    tracker.finished(P0, 0);
    tracker.committed(tracker.committable(List.of(P0)));

    assertThat(committable(P0)).isEmpty();

    started(P0, 1);
    tracker.finished(P0, 1);
    assertThat(committable(P0)).isEqualTo(Map.of(P0, 2L));
  }

  @Test
  void aHandedBackRecordHoldsTheCommitDownButIsNotWorkedOn() {
    started(P0, 5, 6, 7);

    tracker.handedBack(P0, 6);
    tracker.finished(P0, 5);
    tracker.finished(P0, 7);

    assertThat(committable(P0)).as("the next owner delivers 6").isEqualTo(Map.of(P0, 6L));
    assertThat(tracker.working(List.of(P0))).as("a revoke waits for nothing here").isZero();
    assertThat(tracker.inFlight(P0)).isEqualTo(1);
  }

  @Test
  void onlyARecordInFlightCanBeHandedBack() {
    started(P0, 1);
    tracker.finished(P0, 1);

    tracker.handedBack(P0, 1);
    tracker.handedBack(P0, 99);

    assertThat(tracker.working(List.of(P0))).isZero();
    assertThat(committable(P0)).isEqualTo(Map.of(P0, 2L));
  }

  @Test
  void workingCountsWhatIsBeingSentOrWaitsForItsAcknowledgement() {
    started(P0, 1, 2, 3);
    tracker.handedBack(P0, 3);

    assertThat(tracker.working(List.of(P0))).isEqualTo(2);
    tracker.finished(P0, 1);
    assertThat(tracker.working(List.of(P0))).isEqualTo(1);
  }

  @Test
  void aRevokedOrLostPartitionIsForgotten() {
    started(P0, 3, 4);
    started(P1, 8);
    tracker.handedBack(P0, 4);
    tracker.committed(Map.of(P0, new OffsetAndMetadata(3)));

    tracker.forget(List.of(P0));

    assertThat(committable(P0)).as("nothing left to commit for a partition given up").isEmpty();
    assertThat(tracker.inFlight(P0)).isZero();
    assertThat(tracker.working(List.of(P0))).isZero();
    assertThat(committable(P1)).as("other partitions untouched").isEqualTo(Map.of(P1, 8L));

    started(P0, 3);
    tracker.finished(P0, 3);
    assertThat(committable(P0)).as("owned again: tracked afresh, the old commit forgotten").isEqualTo(Map.of(P0, 4L));
  }

  @Test
  void aFinishAfterThePartitionWasForgottenChangesNothing() {
    started(P0, 1);
    tracker.forget(List.of(P0));

    tracker.finished(P0, 1);

    assertThat(committable(P0)).isEmpty();
  }

  private void started(TopicPartition partition, long... offsets) {
    for (long offset : offsets) {
      tracker.started(partition, offset);
    }
  }

  private Map<TopicPartition, Long> committable(TopicPartition... partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(List.of(partitions));
    return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }
}
