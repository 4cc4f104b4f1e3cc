package dev.notifier.cli.ops.backlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code notifier backlog} writes partitions and ages for a person. */
class BacklogFormatTest {

  @Test
  void partitionsRunTogetherPerTopic() {
    assertThat(Partitions.compact(List.of("notifier.send-0", "notifier.send-1", "notifier.send-2", "notifier.send-5",
        "notifier.send.retry-1m-3", "my-app-by-recipient-repartition-7", "my-app-by-recipient-repartition-8")))
        .containsExactly("notifier.send 0-2,5", "notifier.send.retry-1m 3", "my-app-by-recipient-repartition 7-8");
  }

  @Test
  void agesInTheTwoLargestUnits() {
    assertThat(Ages.of(Duration.ofSeconds(41))).isEqualTo("41 s");
    assertThat(Ages.of(Duration.ofSeconds(192))).isEqualTo("3 min 12 s");
    assertThat(Ages.of(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
    assertThat(Ages.of(Duration.ofHours(76))).isEqualTo("3 d 4 h");
    assertThat(Ages.of(Duration.ofSeconds(-3))).as("a producer's clock ahead").isEqualTo("0 s");
  }
}
