package dev.notifier.cli.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.sender.WorkerStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every answer of a worker's health, from the status facts alone. */
class WorkerHealthTest {

  private static final Duration BOUND = Duration.ofMinutes(5);
  private static final Map<String, String> CLOSED = Map.of("company", "closed");

  @Test
  void readyOnlyWhenRunningAssignedAndAnAccountUsable() {
    assertThat(ready(new WorkerStatus(false, false, false, false, Duration.ZERO, BOUND, CLOSED, 1, true)))
        .isEqualTo("worker not started");
    assertThat(ready(new WorkerStatus(true, false, false, false, Duration.ZERO, BOUND, CLOSED, 1, true)))
        .isEqualTo("waiting for the first partition assignment");
    assertThat(ready(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, Map.of(), 1, true)))
        .isEqualTo("no enabled account");
    assertThat(ready(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND,
        Map.of("company", "open"), 1, true))).isEqualTo("circuit breaker open for every enabled account [company]");
    assertThat(ready(new WorkerStatus(true, true, true, false, Duration.ZERO, BOUND, CLOSED, 1, true)))
        .isEqualTo("worker stopping");
    assertThat(health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND,
        Map.of("company", "open", "backup", "half_open"), 1, true)).ready().ok()).as("a half-open breaker lets a probe through")
        .isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, CLOSED, 1, true)).ready().ok()).isTrue();
  }

  @Test
  void notLiveWhenTheLoopEndedByItselfOrStalledPastTheBound() {
    assertThat(health(new WorkerStatus(false, false, false, false, Duration.ZERO, BOUND, CLOSED, 1, true)).live().ok())
        .as("starting").isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, BOUND, BOUND, CLOSED, 1, true)).live().ok())
        .as("at the bound").isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, BOUND.plusSeconds(1), BOUND, CLOSED, 1, true)).live())
        .isEqualTo(Health.Status.down("the worker's poll loop has not run for 301 s (bound: max.poll.interval.ms, "
            + "300 s)"));
    assertThat(health(new WorkerStatus(true, true, false, true, Duration.ZERO, BOUND, CLOSED, 1, true)).live())
        .isEqualTo(Health.Status.down("the worker's poll loop stopped (see the log)"));
    assertThat(health(new WorkerStatus(true, true, true, true, Duration.ofHours(1), BOUND, CLOSED, 1, true)).live().ok())
        .as("stopped after a close (SIGTERM): not a failure").isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, Map.of("company", "open"), 1, true))
        .live().ok()).as("waiting for its accounts is no reason to restart").isTrue();
  }

  @Test
  void aWorkerWhoseLeaseRanOutIsNotReadyAndAStandbySaysSo() {
    assertThat(ready(new WorkerStatus(true, true, false, false, Duration.ofSeconds(151), BOUND, CLOSED, 1, false)))
        .isEqualTo("it may not send: its poll loop has not polled for 151 s, so the group may have given its "
            + "partitions to another worker");
    Health.Status standby = health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, CLOSED, 0, true))
        .ready();
    assertThat(standby.ok()).as("a standby is a healthy member of the group").isTrue();
    assertThat(standby.reason()).startsWith("standby: it owns no send partition, so it holds and sends no mail");
  }

  private static WorkerHealth health(WorkerStatus status) {
    return new WorkerHealth(() -> status);
  }

  private static String ready(WorkerStatus status) {
    Health.Status answer = health(status).ready();
    assertThat(answer.ok()).isFalse();
    return answer.reason();
  }
}
