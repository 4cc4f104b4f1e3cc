package dev.notifier.sender.throttle;

import dev.notifier.sender.config.Limits;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The send throttle of one account in one worker.
 *
 * <p><b>Sharing the account's limits.</b> {@link Limits} hold for the account as a whole, across
 * every worker of the consumer group, and workers do not talk to each other. So each worker takes a
 * {@code share} of them: the fraction of the send topic's partitions it owns, recomputed on every
 * rebalance ({@link #setShare}). Its token bucket refills at {@code ratePerSecond × share} with
 * capacity {@code burst × share}, and its rolling quotas are {@code perMinute × share} and
 * {@code perDay × share} ({@link RollingWindowQuota}). Every slice is rounded down, so the slices of
 * all workers never add up to more than the account's limits. A share of 0 (no partitions owned)
 * sends nothing: {@link #tryAcquire} answers "ask again in {@link #RECHECK_WHEN_UNASSIGNED}".
 *
 * <p><b>Milli-messages.</b> Shares are fractions, so the bucket counts in thousandths of a message
 * (one message costs {@value #MILLI} tokens): a burst of 5 at share 1/3 is 1,666 tokens, neither
 * rounded up to 2 messages (the workers together would exceed the burst) nor down to 1. When a
 * worker's capacity is less than one message (burst × share &lt; 1) it may send when its bucket is
 * full, leaving the bucket in debt ({@link Bucket#consumeIgnoringRateLimits}); it then sends one
 * message every {@code 1 / (ratePerSecond × share)} seconds, its exact share of the rate, and adds
 * at most one message to the account's burst. Keep {@code burst} at least the number of workers to
 * avoid that case.
 *
 * <p><b>A rebalance</b> keeps the fill level of the bucket proportionally
 * ({@link TokensInheritanceStrategy#PROPORTIONALLY}): a full bucket stays full at the new capacity,
 * a half-empty one stays half-empty, and it never holds more than the new capacity. Sends already
 * in the rolling logs keep counting against the new slice.
 *
 * <p>Time comes only from the injected {@link Clock}, which Bucket4j reads through
 * {@link ClockTimeMeter}. Several sender threads of one account share an instance: every method is
 * synchronized, which is cheap next to an SMTP round trip.
 */
public final class AccountThrottle {

  /** Tokens per message. */
  static final long MILLI = 1_000;
  /** How long a worker that owns no partitions waits before asking again. */
  public static final Duration RECHECK_WHEN_UNASSIGNED = Duration.ofSeconds(1);
  /** Absorbs floating-point error such as 0.7 × 10 = 6.9999 before rounding down. */
  static final double ROUNDING_SLACK = 1e-9;
  /** The refill is expressed per 1,000 s so fractional rates keep their precision in whole tokens. */
  private static final long REFILL_PERIOD_SECONDS = 1_000;

  private final Limits limits;
  private final Clock clock;
  private final Bucket bucket;
  private final List<RollingWindowQuota> quotas = new ArrayList<>(2);
  private double share;
  private long capacity;

  /** A throttle that owns the whole account (share 1). */
  public AccountThrottle(Limits limits, Clock clock) {
    this(limits, 1, clock);
  }

  /** A throttle with the given share of the account, in [0, 1]. */
  public AccountThrottle(Limits limits, double share, Clock clock) {
    requireShare(share);
    this.limits = limits;
    this.clock = clock;
    this.share = share;
    double bucketShare = share > 0 ? share : 1;
    this.capacity = capacity(limits, bucketShare);
    this.bucket = Bucket.builder()
        .addLimit(bandwidth(limits, bucketShare))
        .withCustomTimePrecision(new ClockTimeMeter(clock))
        .build();
    if (limits.perMinute() != null) {
      quotas.add(new RollingWindowQuota("perMinute", limits.perMinute(), Duration.ofMinutes(1), bucketShare));
    }
    if (limits.perDay() != null) {
      quotas.add(new RollingWindowQuota("perDay", limits.perDay(), Duration.ofDays(1), bucketShare));
    }
  }

  /**
   * Takes one message's permission if it may be sent now and returns {@link Duration#ZERO}; otherwise
   * takes nothing and returns how long to wait before asking again: the longest of the bucket's
   * refill wait and each quota's wait for its oldest relevant send to leave the window.
   */
  public synchronized Duration tryAcquire() {
    if (share == 0) {
      return RECHECK_WHEN_UNASSIGNED;
    }
    Instant now = clock.instant();
    Duration wait = bucketWait();
    for (RollingWindowQuota quota : quotas) {
      Duration quotaWait = quota.waitTime(now);
      if (quotaWait.compareTo(wait) > 0) {
        wait = quotaWait;
      }
    }
    if (!wait.isZero()) {
      return wait;
    }
    bucket.consumeIgnoringRateLimits(MILLI);
    for (RollingWindowQuota quota : quotas) {
      quota.record(now);
    }
    return Duration.ZERO;
  }

  /**
   * Applies a new share of the account, in [0, 1]: partitions of the send topic this worker owns
   * divided by all of them. 0 stops sending for the account until a positive share arrives.
   */
  public synchronized void setShare(double share) {
    requireShare(share);
    double previous = this.share;
    this.share = share;
    if (share == 0) {
      return;
    }
    capacity = capacity(limits, share);
    // tokens carry over as they are (capped at the new capacity): a larger share brings a faster refill,
    // never extra tokens, so a rebalance cannot add a burst the account does not have
    bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(limits, share)).build(),
        TokensInheritanceStrategy.AS_IS);
    if (previous == 0) {
      // a worker that just got its share starts empty: its partitions' previous owner may have spent the burst
      bucket.tryConsumeAsMuchAsPossible();
    }
    for (RollingWindowQuota quota : quotas) {
      quota.setShare(share);
    }
  }

  public synchronized double share() {
    return share;
  }

  public Limits limits() {
    return limits;
  }

  /** Tokens in the bucket, in thousandths of a message; negative while in debt. For tests and metrics. */
  synchronized long availableMilliMessages() {
    return bucket.getAvailableTokens();
  }

  /** Messages the bucket would let through now (fractional; negative while in debt). For metrics. */
  public synchronized double availableMessages() {
    return bucket.getAvailableTokens() / (double) MILLI;
  }

  /**
   * The largest share of this worker's slice of a rolling quota (per minute, per day) that recent
   * sends have used, in [0, 1]; 0 when the account has no rolling quota. For metrics.
   */
  public synchronized double quotaUsedRatio() {
    Instant now = clock.instant();
    double used = 0;
    for (RollingWindowQuota quota : quotas) {
      used = Math.max(used, quota.usedRatio(now));
    }
    return used;
  }

  /** A full message, or a full bucket when the bucket is smaller than a message. */
  private Duration bucketWait() {
    EstimationProbe probe = bucket.estimateAbilityToConsume(Math.min(MILLI, capacity));
    return probe.canBeConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
  }

  private static Bandwidth bandwidth(Limits limits, double share) {
    long refill = Math.max(1, roundDown(limits.ratePerSecond() * share * MILLI * REFILL_PERIOD_SECONDS));
    return Bandwidth.builder()
        .capacity(capacity(limits, share))
        .refillGreedy(refill, Duration.ofSeconds(REFILL_PERIOD_SECONDS))
        .build();
  }

  private static long capacity(Limits limits, double share) {
    return Math.max(1, roundDown(limits.burst() * share * MILLI));
  }

  private static long roundDown(double value) {
    return (long) Math.floor(value + ROUNDING_SLACK);
  }

  private static void requireShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share is " + share
          + ": it must be between 0 and 1 (owned send partitions / all send partitions)");
    }
  }

  @Override
  public synchronized String toString() {
    return "AccountThrottle[" + limits + ", share=" + share + ", quotas=" + quotas + "]";
  }
}
