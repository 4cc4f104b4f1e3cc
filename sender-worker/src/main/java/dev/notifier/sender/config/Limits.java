package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/**
 * How fast one account may send, for the account as a whole (all workers together): a token bucket
 * refilled at {@code ratePerSecond} holding at most {@code burst} messages, and optional
 * rolling-window quotas {@code perMinute} and {@code perDay} ({@code null} = no such quota) — the
 * frequency limits providers enforce with 421/450/451/454 or QQ's "550 connection frequency
 * limited", and the "30 per minute" or "2,000 per day" caps free mailboxes impose.
 *
 * <p>Every account has limits: {@link #DEFAULT} (10 per second, burst 10) when the config names
 * none, and a burst left out is the rate rounded up. How a worker turns these into its own slice is
 * the throttle's business ({@code throttle.AccountThrottle}).
 *
 * <p>One validation serves code and config files alike: a problem names the key
 * ({@code accounts[<id>].limits.<key>} when the account is known, {@code limits.<key>} otherwise),
 * the value and the fix.
 *
 * @param ratePerSecond messages per second, greater than 0 (0.5 means one every two seconds)
 * @param burst the most messages sent back to back after a quiet period, at least 1
 * @param perMinute the most messages in any minute, or null for no cap
 * @param perDay the most messages in any day, or null for no cap
 * @param criticalReserve the fraction of the burst and of each quota that normal and bulk mail leave
 *     for critical mail, in [0, 0.5] (rounded down: a quota of 5 with 0.1 keeps nothing back)
 */
public record Limits(double ratePerSecond, int burst, Integer perMinute, Integer perDay, double criticalReserve) {

  public static final double DEFAULT_RATE_PER_SECOND = 10;
  /** 10 messages per second with a burst of 10 and no rolling quotas. */
  public static final Limits DEFAULT = of(DEFAULT_RATE_PER_SECOND);

  /**
   * Kept for critical mail unless configured: a password reset finds a token and a quota left even
   * when a bulk backlog has used the rest.
   */
  public static final double DEFAULT_CRITICAL_RESERVE = 0.1;
  /** The largest reserve accepted: normal and bulk mail keep at least half of every limit. */
  static final double MAX_CRITICAL_RESERVE = 0.5;

  /** The highest rate accepted; far above any SMTP provider, low enough to keep the arithmetic exact. */
  static final double MAX_RATE_PER_SECOND = 1_000_000;

  public Limits {
    check("limits", ratePerSecond, burst, perMinute, perDay, criticalReserve);
  }

  /** Limits with the default reserve for critical mail. */
  public Limits(double ratePerSecond, int burst, Integer perMinute, Integer perDay) {
    this(ratePerSecond, burst, perMinute, perDay, DEFAULT_CRITICAL_RESERVE);
  }

  /** A rate with the default burst (the rate rounded up, at least 1) and no rolling quotas. */
  public static Limits of(double ratePerSecond) {
    return new Limits(ratePerSecond, defaultBurst(ratePerSecond), null, null);
  }

  /** A rate and a burst and no rolling quotas. */
  public static Limits of(double ratePerSecond, int burst) {
    return new Limits(ratePerSecond, burst, null, null);
  }

  /** The burst used when none is configured: the rate rounded up, at least 1. */
  public static int defaultBurst(double ratePerSecond) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(ratePerSecond)));
  }

  /**
   * The limits of account {@code accountId}; null values take their defaults. Problems are named
   * as {@code accounts[<id>].limits.<key>}.
   */
  public static Limits forAccount(String accountId, Double ratePerSecond, Integer burst, Integer perMinute,
      Integer perDay, Double criticalReserve) {
    double rate = ratePerSecond == null ? DEFAULT_RATE_PER_SECOND : ratePerSecond;
    int b = burst == null ? defaultBurst(rate) : burst;
    double reserve = criticalReserve == null ? DEFAULT_CRITICAL_RESERVE : criticalReserve;
    check("accounts[" + accountId + "].limits", rate, b, perMinute, perDay, reserve);
    return new Limits(rate, b, perMinute, perDay, reserve);
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void check(String key, double ratePerSecond, int burst, Integer perMinute, Integer perDay,
      double criticalReserve) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(key + ".ratePerSecond is " + format(ratePerSecond)
          + ": set it to the messages per second the provider allows, a number greater than 0 (e.g. 0.5 for one "
          + "every two seconds)");
    }
    if (ratePerSecond > MAX_RATE_PER_SECOND) {
      throw new IllegalArgumentException(key + ".ratePerSecond is " + format(ratePerSecond)
          + ": set it to at most " + format(MAX_RATE_PER_SECOND) + " messages per second");
    }
    if (burst < 1) {
      throw new IllegalArgumentException(key + ".burst is " + burst
          + ": set it to at least 1 (the most messages sent back to back), or leave it out to use the rate rounded up");
    }
    requireQuota(key + ".perMinute", perMinute, "per-minute cap");
    requireQuota(key + ".perDay", perDay, "daily cap");
    if (!(criticalReserve >= 0 && criticalReserve <= MAX_CRITICAL_RESERVE)) {
      throw new IllegalArgumentException(key + ".criticalReserve is " + format(criticalReserve)
          + ": set it to the fraction of the burst and quotas kept for critical mail, from 0 (none) to "
          + format(MAX_CRITICAL_RESERVE) + ", or leave it out for " + format(DEFAULT_CRITICAL_RESERVE));
    }
  }

  /**
   * Of {@code limit} (a burst or a quota part, in any unit), how much normal and bulk mail leave
   * for critical mail: the reserve rounded down, and never so much that they could not send at all.
   */
  public long reserveOf(long limit) {
    return Math.max(0, Math.min((long) Math.floor(limit * criticalReserve + 1e-9), limit - 1));
  }

  private static void requireQuota(String key, Integer value, String what) {
    if (value != null && value < 1) {
      throw new IllegalArgumentException(key + " is " + value + ": set it to at least 1, or leave it out for no " + what);
    }
  }

  private static String format(double value) {
    return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
        : String.valueOf(value);
  }

  /** Builds {@link Limits}: the default rate, the burst the rate rounded up unless set, no quotas. */
  public static final class Builder {
    private double ratePerSecond = DEFAULT_RATE_PER_SECOND;
    private Integer burst;
    private Integer perMinute;
    private Integer perDay;
    private double criticalReserve = DEFAULT_CRITICAL_RESERVE;

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

    /** The fraction of the burst and quotas normal and bulk mail leave for critical mail. */
    public Builder criticalReserve(double criticalReserve) {
      this.criticalReserve = criticalReserve;
      return this;
    }

    public Limits build() {
      return new Limits(ratePerSecond, burst == null ? defaultBurst(ratePerSecond) : burst, perMinute, perDay,
          criticalReserve);
    }
  }

  /** Whether there is a per-minute or per-day quota, which every worker counts in the usage topic. */
  public boolean hasQuota() {
    return perMinute != null || perDay != null;
  }

  /**
   * The {@code limits} block of an account as written in a config file; {@link #toLimits} checks it
   * and names problems by the account's id.
   */
  public record Entry(
      @JsonProperty("ratePerSecond") Double ratePerSecond,
      @JsonProperty("burst") Integer burst,
      @JsonProperty("perMinute") Integer perMinute,
      @JsonProperty("perDay") Integer perDay,
      @JsonProperty("criticalReserve") Double criticalReserve) {

    public Limits toLimits(String accountId) {
      return forAccount(accountId, ratePerSecond, burst, perMinute, perDay, criticalReserve);
    }
  }
}
