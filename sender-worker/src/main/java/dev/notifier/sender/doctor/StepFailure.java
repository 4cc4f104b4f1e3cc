package dev.notifier.sender.doctor;

import dev.notifier.sender.retry.Classification;

/** A step failed: what was seen, its kind code and the fix. Thrown by a step, caught by {@link SmtpDoctor}. */
final class StepFailure extends Exception {

  private static final long serialVersionUID = 1L;

  private final String detail;
  private final String kind;
  private final String fix;

  StepFailure(String detail, String kind, String fix) {
    super(detail, null, false, false);
    this.detail = detail;
    this.kind = kind;
    this.fix = fix;
  }

  /** A failure explained by the worker's reply table. */
  StepFailure(String detail, Classification classification) {
    this(detail, classification.kind(), classification.fix());
  }

  String detail() {
    return detail;
  }

  String kind() {
    return kind;
  }

  String fix() {
    return fix;
  }
}
