package dev.notifier.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NewPartitionsTest {

  private static final Instant T0 = Instant.parse("2026-12-08T02:00:00Z");
  private static final Duration HOLD = Duration.ofSeconds(33);

  @Test
  void partitionsAboveTheCountKnownBeforeAreHeldUntilTheHoldHasPassed() {
    NewPartitions partitions = new NewPartitions(HOLD);
    partitions.seen(2, T0);
    assertThat(partitions.heldOf(Set.of(0, 1), T0)).as("the first count seen: nothing is new").isEmpty();

    Instant seen = T0.plusSeconds(10);
    partitions.seen(4, seen);
    assertThat(partitions.heldOf(Set.of(1, 2, 3), seen)).isEqualTo(Map.of(2, seen.plus(HOLD), 3, seen.plus(HOLD)));
    assertThat(partitions.heldOf(Set.of(1, 3), seen)).as("only the owned").containsOnlyKeys(3);
    assertThat(partitions.releasedAny(Set.of(1, 2, 3), T0.plusSeconds(42))).isFalse();
    assertThat(partitions.heldOf(Set.of(1, 2, 3), T0.plusSeconds(42))).containsOnlyKeys(2, 3);

    assertThat(partitions.releasedAny(Set.of(1, 2, 3), T0.plusSeconds(43))).as("33 s after they were seen").isTrue();
    assertThat(partitions.heldOf(Set.of(1, 2, 3), T0.plusSeconds(43))).isEmpty();
    assertThat(partitions.releasedAny(Set.of(1, 2, 3), T0.plusSeconds(44))).as("released once").isFalse();
    assertThat(partitions.holding()).isFalse();
  }

  @Test
  void aCountSeenAgainOrSmallerHoldsNothingMoreAndAReleaseOfPartitionsOwnedByOthersChangesNoShare() {
    NewPartitions partitions = new NewPartitions(HOLD);
    partitions.seen(1, T0);
    partitions.seen(3, T0.plusSeconds(1));
    partitions.seen(3, T0.plusSeconds(20));
    partitions.seen(2, T0.plusSeconds(21));
    assertThat(partitions.heldOf(Set.of(0, 1, 2), T0.plusSeconds(33))).as("held from the first sight, not the last")
        .containsOnlyKeys(1, 2);
    assertThat(partitions.releasedAny(Set.of(0), T0.plusSeconds(34))).as("none of the released is owned here")
        .isFalse();
    assertThat(partitions.heldOf(Set.of(0, 1, 2), T0.plusSeconds(34))).isEmpty();
  }

  @Test
  void aWorkerThatKnewNoCountHoldsNothing() {
    NewPartitions partitions = new NewPartitions(HOLD);
    partitions.seen(4, T0);
    assertThat(partitions.heldOf(Set.of(2, 3), T0)).isEmpty();
  }

  @Test
  void theHoldIsTheMetadataAgeThenACountCheckAndAMargin() {
    Properties props = new Properties();
    assertThat(SenderWorker.newPartitionHold(props)).as("the worker's 30 s metadata age").isEqualTo(
        Duration.ofSeconds(30).plus(SenderWorker.COUNT_CHECK).plus(SenderWorker.COUNT_MARGIN));
    props.put("metadata.max.age.ms", "10000");
    assertThat(SenderWorker.newPartitionHold(props)).isEqualTo(Duration.ofSeconds(13));
    props.put("metadata.max.age.ms", "half a minute");
    assertThatThrownBy(() -> SenderWorker.newPartitionHold(props)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.max.age.ms is 'half a minute'").hasMessageContaining("milliseconds");
    assertThatThrownBy(() -> new NewPartitions(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }
}
