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
    assertThat(ready(new WorkerStatus(false, false, false, false, Duration.ZERO, BOUND, CLOSED)))
        .isEqualTo("worker not started");
    assertThat(ready(new WorkerStatus(true, false, false, false, Duration.ZERO, BOUND, CLOSED)))
        .isEqualTo("waiting for the first partition assignment");
    assertThat(ready(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, Map.of())))
        .isEqualTo("no enabled account");
    assertThat(ready(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND,
        Map.of("company", "open")))).isEqualTo("circuit breaker open for every enabled account [company]");
    assertThat(ready(new WorkerStatus(true, true, true, false, Duration.ZERO, BOUND, CLOSED)))
        .isEqualTo("worker stopping");
    assertThat(health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND,
        Map.of("company", "open", "backup", "half_open"))).ready().ok()).as("a half-open breaker lets a probe through")
        .isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, CLOSED)).ready().ok()).isTrue();
  }

  @Test
  void notLiveWhenTheLoopEndedByItselfOrStalledPastTheBound() {
    assertThat(health(new WorkerStatus(false, false, false, false, Duration.ZERO, BOUND, CLOSED)).live().ok())
        .as("starting").isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, BOUND, BOUND, CLOSED)).live().ok())
        .as("at the bound").isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, BOUND.plusSeconds(1), BOUND, CLOSED)).live())
        .isEqualTo(Health.Status.down("the worker's poll loop has not run for 301 s (bound: max.poll.interval.ms, "
            + "300 s)"));
    assertThat(health(new WorkerStatus(true, true, false, true, Duration.ZERO, BOUND, CLOSED)).live())
        .isEqualTo(Health.Status.down("the worker's poll loop stopped (see the log)"));
    assertThat(health(new WorkerStatus(true, true, true, true, Duration.ofHours(1), BOUND, CLOSED)).live().ok())
        .as("stopped after a close (SIGTERM): not a failure").isTrue();
    assertThat(health(new WorkerStatus(true, true, false, false, Duration.ZERO, BOUND, Map.of("company", "open")))
        .live().ok()).as("waiting for its accounts is no reason to restart").isTrue();
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
