package dev.notifier.sender.doctor;

import java.time.Duration;
import java.util.Objects;

/**
 * What one step of a check found.
 *
 * @param step the step
 * @param status passed, failed, or skipped (not asked for, or after an earlier failure)
 * @param detail what was seen: addresses, the certificate, the server's reply; never a secret
 * @param cause for a failure, a short kind code ({@code auth-failed}, {@code connection-refused}),
 *     the same codes the worker writes into statuses and dead letters; null otherwise
 * @param fix for a failure, what a person should do; null otherwise
 * @param elapsed how long the step took (zero when skipped)
 */
public record StepResult(Step step, Status status, String detail, String cause, String fix, Duration elapsed) {

  /** How a step ended. */
  public enum Status { PASSED, FAILED, SKIPPED }

  public StepResult {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    elapsed = elapsed == null ? Duration.ZERO : elapsed;
  }

  static StepResult passed(Step step, String detail, Duration elapsed) {
    return new StepResult(step, Status.PASSED, detail, null, null, elapsed);
  }

  static StepResult failed(Step step, StepFailure failure, Duration elapsed) {
    return new StepResult(step, Status.FAILED, failure.detail(), failure.kind(), failure.fix(), elapsed);
  }

  static StepResult skipped(Step step, String why) {
    return new StepResult(step, Status.SKIPPED, why, null, null, Duration.ZERO);
  }

  /** True when the step ran and passed. */
  public boolean ok() {
    return status == Status.PASSED;
  }

  public boolean failed() {
    return status == Status.FAILED;
  }
}
