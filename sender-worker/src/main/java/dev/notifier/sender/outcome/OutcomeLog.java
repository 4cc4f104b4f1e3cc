package dev.notifier.sender.outcome;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome log: one line per outcome, written by the status, retry and dead-letter writers
 * through one logger ({@value #NAME}), so the shipped {@code logback.xml} can give these lines an
 * appender of their own.
 *
 * <p>Lines are parameterised (nothing is formatted below the level):
 * {@code SENT <id> account= attempts=} and {@code RETRY <id> account= class= kind= attempt= due=} at
 * INFO, {@code DEAD <id> account= class= kind= attempts=} at WARN (an operator should see it even with
 * INFO off). {@code class} is the failure class (the dead letter's, or RETRY / ACCOUNT_ERROR for a
 * retry) and {@code kind} its code. The recipient's address is never logged at INFO: the
 * notification id identifies the mail; the address appears only at DEBUG. Each outcome is also
 * counted in the worker's meters.
 */
public final class OutcomeLog {

  public static final String NAME = "dev.notifier.sender.outcome";
  public static final Logger LOG = LoggerFactory.getLogger(NAME);

  private OutcomeLog() {
  }
}
