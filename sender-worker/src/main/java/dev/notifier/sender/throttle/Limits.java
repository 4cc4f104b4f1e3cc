package dev.notifier.sender.throttle;

import java.math.BigDecimal;

/**
 * What a provider allows one sender account, for the account as a whole (all workers together):
 * a sustained {@code ratePerSecond}, a {@code burst} of messages that may go at once, and optional
 * rolling-window quotas {@code perMinute} and {@code perDay} ({@code null} = no such quota), such as
 * the "30 per minute" or "2,000 per day" caps free mailboxes impose.
 *
 * <p>Every account has limits; {@link #DEFAULT} applies when the configuration names none. How a
 * worker turns these into its own slice is {@link AccountThrottle}'s business.
 */
public record Limits(double ratePerSecond, int burst, Integer perMinute, Integer perDay) {

  /** 10 messages per second with a burst of 10 and no rolling quotas. */
  public static final Limits DEFAULT = new Limits(10, 10, null, null);

  /** The highest rate accepted; far above any SMTP provider, low enough to keep the arithmetic exact. */
  static final double MAX_RATE_PER_SECOND = 1_000_000;

  public Limits {
    if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) {
      throw new IllegalArgumentException("limits.ratePerSecond is " + format(ratePerSecond)
          + ": it must be positive, e.g. 5");
    }
    if (ratePerSecond > MAX_RATE_PER_SECOND) {
      throw new IllegalArgumentException("limits.ratePerSecond is " + format(ratePerSecond)
          + ": it must be at most " + format(MAX_RATE_PER_SECOND) + " messages per second");
    }
    if (burst < 1) {
      throw new IllegalArgumentException("limits.burst is " + burst
          + ": it must be at least 1 message, e.g. 10");
    }
    requireQuota("perMinute", perMinute, "30");
    requireQuota("perDay", perDay, "2000");
  }

  /** Limits with a rate and a burst and no rolling quotas. */
  public static Limits of(double ratePerSecond, int burst) {
    return new Limits(ratePerSecond, burst, null, null);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Limits}; starts from {@link #DEFAULT}, validates in {@link #build()}. */
  public static final class Builder {
    private double ratePerSecond = DEFAULT.ratePerSecond;
    private int burst = DEFAULT.burst;
    private Integer perMinute;
    private Integer perDay;

    private Builder() {
    }

    public Builder ratePerSecond(double ratePerSecond) {
      this.ratePerSecond = ratePerSecond;
      return this;
    }

    public Builder burst(int burst) {
      this.burst = burst;
      return this;
    }

    /** At most this many messages in any 60 s; {@code null} for none. */
    public Builder perMinute(Integer perMinute) {
      this.perMinute = perMinute;
      return this;
    }

    /** At most this many messages in any 24 h; {@code null} for none. */
    public Builder perDay(Integer perDay) {
      this.perDay = perDay;
      return this;
    }

    public Limits build() {
      return new Limits(ratePerSecond, burst, perMinute, perDay);
    }
  }

  private static void requireQuota(String name, Integer value, String example) {
    if (value != null && value < 1) {
      throw new IllegalArgumentException("limits." + name + " is " + value
          + ": it must be at least 1, e.g. " + example + ", or left out for no " + name + " quota");
    }
  }

  private static String format(double value) {
    return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
        : String.valueOf(value);
  }
}
