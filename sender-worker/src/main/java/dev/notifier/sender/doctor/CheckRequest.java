package dev.notifier.sender.doctor;

import dev.notifier.sender.config.AccountSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * What to check: an account (from the config, or built ad hoc), optionally a recipient to try at
 * RCPT, whether to really send a test message to it, and the time-out that bounds every network
 * wait of the check (it replaces the account's connect and read time-outs).
 */
public record CheckRequest(AccountSettings account, String to, boolean send, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public CheckRequest {
    Objects.requireNonNull(account, "account");
    to = to == null || to.isBlank() ? null : to.strip();
    if (send && to == null) {
      throw new IllegalArgumentException("sending a test message needs a recipient: give --to ADDRESS with --send");
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout is " + timeout + ": use a positive duration such as 10s");
    }
  }
}
