package dev.notifier.cli.schemas;

import java.util.List;

/**
 * One line of {@code notifier schemas check}: a subject, its latest registered version (null when
 * none), the outcome and why.
 */
record CompatibilityRow(String subject, Integer registeredVersion, Outcome outcome, String reason) {

  /** What the registry says of the notifier's schema under a subject. */
  enum Outcome {
    COMPATIBLE("compatible"),
    INCOMPATIBLE("INCOMPATIBLE"),
    NOT_REGISTERED("not registered");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  List<String> cells() {
    return List.of(subject, registeredVersion == null ? "-" : String.valueOf(registeredVersion), outcome.label(),
        reason);
  }
}
