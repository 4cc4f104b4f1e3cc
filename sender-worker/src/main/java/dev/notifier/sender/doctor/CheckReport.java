package dev.notifier.sender.doctor;

import dev.notifier.sender.config.AccountSettings;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one {@link SmtpDoctor#check}: every {@link Step} in order with its result, and the
 * SMTP dialogue with AUTH secrets masked.
 *
 * @param account the account as checked (host, port, security, from, username; never the password)
 * @param steps one result per {@link Step}, in order
 * @param transcript the dialogue: the TLS probe's lines and Angus Mail's protocol trace, each
 *     connection introduced by a line starting with "---"; AUTH payloads replaced by "****"
 */
public record CheckReport(AccountSettings account, List<StepResult> steps, List<String> transcript) {

  public CheckReport {
    steps = List.copyOf(steps);
    transcript = List.copyOf(transcript);
  }

  /** True when no step failed: every step that ran passed. */
  public boolean passed() {
    return steps.stream().noneMatch(StepResult::failed);
  }

  /** The step that failed, if any (at most one: the check stops there). */
  public Optional<StepResult> failure() {
    return steps.stream().filter(StepResult::failed).findFirst();
  }

  /** The result of {@code step}. */
  public StepResult result(Step step) {
    return steps.stream().filter(r -> r.step() == step).findFirst().orElseThrow();
  }

  /** How many steps ran and passed. */
  public long passedCount() {
    return steps.stream().filter(StepResult::ok).count();
  }
}
