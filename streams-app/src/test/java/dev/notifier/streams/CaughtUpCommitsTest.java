package dev.notifier.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class CaughtUpCommitsTest {

  private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
  private final CaughtUpCommits commits = new CaughtUpCommits(Duration.ofMillis(20), Duration.ofMillis(100));

  @Test
  void aFreshRecordAsksForACommitAtMostOncePerInterval() {
    context.setCurrentSystemTimeMs(10_000);
    commits.processed(context, 9_990);
    assertThat(context.committed()).as("a record 10 ms old: the topology keeps up").isTrue();

    context.resetCommit();
    context.setCurrentSystemTimeMs(10_015);
    commits.processed(context, 10_010);
    assertThat(context.committed()).as("15 ms after the last request").isFalse();

    context.setCurrentSystemTimeMs(10_020);
    commits.processed(context, 10_018);
    assertThat(context.committed()).as("20 ms after the last request").isTrue();
  }

  @Test
  void underABacklogNoCommitIsAskedForAndTheIntervalAloneCommits() {
    context.setCurrentSystemTimeMs(50_000);
    for (long t = 0; t < 1_000; t += 7) {
      context.setCurrentSystemTimeMs(50_000 + t);
      commits.processed(context, 49_000 + t); // a second behind
    }
    assertThat(context.committed()).isFalse();
  }

  @Test
  void offNeverAsks() {
    context.setCurrentSystemTimeMs(1_000);
    CaughtUpCommits.OFF.processed(context, 1_000);
    assertThat(context.committed()).isFalse();
    assertThat(CaughtUpCommits.OFF.enabled()).isFalse();
  }
}
