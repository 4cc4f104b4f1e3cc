package dev.notifier.sender.retry;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a failed (or successful) attempt means: the {@link Action} to take, a short {@code kind}
 * code for metrics, statuses and dead letters ({@code rate-limited}, {@code mailbox-unknown}), and
 * {@code fix}, a sentence a person can act on.
 */
public record Classification(Action action, String kind, String fix) {

  private static final Pattern KIND = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  public Classification {
    Objects.requireNonNull(action, "action");
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("classification kind '" + kind
          + "' is not a kind code: use lower-case words joined by '-', e.g. rate-limited");
    }
    if (fix == null || fix.isBlank()) {
      throw new IllegalArgumentException("classification " + kind + " has no fix: say what a person should do");
    }
  }

  @Override
  public String toString() {
    return action + "/" + kind;
  }
}
