package dev.notifier.sender.retry;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a failed (or successful) attempt means: the {@link Action} to take, whether it counts
 * against the account's circuit breaker, a short {@code kind} code for metrics, statuses and dead
 * letters ({@code rate-limited}, {@code mailbox-unknown}), and {@code fix}, a sentence a person can
 * act on. The dead letter's failure class is the action's name.
 *
 * @param countsAgainstBreaker true when the outcome is a failure for the account's circuit breaker
 *     (enough of them open it); false when it shows the server healthy, and is reported as a success
 */
public record Classification(Action action, boolean countsAgainstBreaker, String kind, String fix) {

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
