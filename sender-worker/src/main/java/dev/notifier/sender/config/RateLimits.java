package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How fast one account may send, summed over all workers: a token bucket refilled at
 * {@code ratePerSecond} holding at most {@code burst} tokens, and optionally caps per minute and
 * per day (the frequency limits providers enforce with 421/450/451/454 or QQ's "550 connection
 * frequency limited"). Absent from an account, the limits are {@link #DEFAULT}: 10 per second,
 * burst 10.
 *
 * @param ratePerSecond messages per second, greater than 0 (0.5 means one every two seconds)
 * @param burst the most messages sent back to back after a quiet period, at least 1
 * @param perMinute the most messages in any minute, or null for no cap
 * @param perDay the most messages in any day, or null for no cap
 */
public record RateLimits(double ratePerSecond, int burst, Integer perMinute, Integer perDay) {

  public static final double DEFAULT_RATE_PER_SECOND = 10;
  public static final RateLimits DEFAULT = of(DEFAULT_RATE_PER_SECOND);

  public RateLimits {
    check("limits", ratePerSecond, burst, perMinute, perDay);
  }

  /** A rate with the default burst (the rate rounded up, at least 1) and no minute or day cap. */
  public static RateLimits of(double ratePerSecond) {
    return new RateLimits(ratePerSecond, defaultBurst(ratePerSecond), null, null);
  }

  /** The burst used when none is configured: the rate rounded up, at least 1. */
  public static int defaultBurst(double ratePerSecond) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(ratePerSecond)));
  }

  /**
   * The limits of account {@code accountId}; null values take their defaults. Problems are named
   * as {@code accounts[<id>].limits.<key>}.
   */
  public static RateLimits forAccount(String accountId, Double ratePerSecond, Integer burst, Integer perMinute,
      Integer perDay) {
    double rate = ratePerSecond == null ? DEFAULT_RATE_PER_SECOND : ratePerSecond;
    int b = burst == null ? defaultBurst(rate) : burst;
    check("accounts[" + accountId + "].limits", rate, b, perMinute, perDay);
    return new RateLimits(rate, b, perMinute, perDay);
  }

  private static void check(String key, double ratePerSecond, int burst, Integer perMinute, Integer perDay) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(key + ".ratePerSecond is " + ratePerSecond
          + ": set it to the messages per second the provider allows, a number greater than 0 (e.g. 0.5 for one "
          + "every two seconds)");
    }
    if (burst < 1) {
      throw new IllegalArgumentException(key + ".burst is " + burst
          + ": set it to at least 1 (the most messages sent back to back), or leave it out to use the rate rounded up");
    }
    if (perMinute != null && perMinute < 1) {
      throw new IllegalArgumentException(key + ".perMinute is " + perMinute
          + ": set it to at least 1, or leave it out for no per-minute cap");
    }
    if (perDay != null && perDay < 1) {
      throw new IllegalArgumentException(key + ".perDay is " + perDay
          + ": set it to at least 1, or leave it out for no daily cap");
    }
  }

  /**
   * The {@code limits} block of an account as written in a config file; {@link #toLimits} checks it
   * and names problems by the account's id.
   */
  public record Entry(
      @JsonProperty("ratePerSecond") Double ratePerSecond,
      @JsonProperty("burst") Integer burst,
      @JsonProperty("perMinute") Integer perMinute,
      @JsonProperty("perDay") Integer perDay) {

    public RateLimits toLimits(String accountId) {
      return forAccount(accountId, ratePerSecond, burst, perMinute, perDay);
    }
  }
}
