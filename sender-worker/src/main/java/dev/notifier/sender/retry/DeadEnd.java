package dev.notifier.sender.retry;

import dev.notifier.sender.smtp.SmtpReply;
import java.time.Instant;

/**
 * Where the retry stage sends what it gives up on: the dead-letter writer. It is an interface of
 * this package, implemented in {@code deadletter}, because the dead-letter writer reads this
 * package's {@link Delivery} and {@link Classification}: retry does not import deadletter, so the
 * two packages do not depend on each other.
 */
@FunctionalInterface
public interface DeadEnd {

  /**
   * Gives up {@code d}: {@code why} says why, its action being the dead letter's failure class;
   * {@code reply} and {@code exceptionClass} are the last attempt's, null when there was none.
   * {@code done} runs once the dead letter and its status are acknowledged.
   */
  void dead(Delivery d, Classification why, SmtpReply reply, String exceptionClass, int attempts,
      Instant firstFailure, Runnable done);
}
