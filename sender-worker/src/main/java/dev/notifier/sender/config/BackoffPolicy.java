package dev.notifier.sender.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: exponentially later, from {@code minDelay} growing by
 * {@code multiplier} per failed attempt up to {@code maxDelay}, spread by ±{@code jitter} so that
 * mail refused together is not retried together, and never past {@code lifetime} after the first
 * failure (nor beyond {@code maxAttempts}, when set): then the notification is dead-lettered as
 * {@code expired}.
 *
 * <p>Pure and immutable: the caller passes the time and the random source, so tests need no clock
 * and no sleeping. Built by {@link #builder()}, which checks each value and names a bad one; it can
 * also be read from config ({@code minDelay: PT1S}, ...) with Jackson and its Java time module.
 */
@JsonDeserialize(builder = BackoffPolicy.Builder.class)
public final class BackoffPolicy {

  /** A delay above this is surely a config mistake, and keeps the arithmetic in nanoseconds safe. */
  static final Duration LONGEST = Duration.ofDays(365);

  private final Duration minDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final double jitter;
  private final Duration lifetime;
  private final OptionalInt maxAttempts;

  private BackoffPolicy(Builder b) {
    this.minDelay = b.minDelay;
    this.maxDelay = b.maxDelay;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.lifetime = b.lifetime;
    this.maxAttempts = b.maxAttempts == null ? OptionalInt.empty() : OptionalInt.of(b.maxAttempts);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * How long to wait after the {@code attempt}-th failed attempt (1 after the first failure):
   * {@code minDelay × multiplier^(attempt-1)}, capped at {@code maxDelay}, then scaled by a factor
   * in [1 − jitter, 1 + jitter] chosen by {@code random} (a value in [0, 1]: 0 is the shortest,
   * 1 the longest), and kept within [minDelay, maxDelay].
   */
  public Duration delayFor(int attempt, DoubleSupplier random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt is " + attempt + ": it counts failed attempts from 1");
    }
    double r = random.getAsDouble();
    if (!(r >= 0 && r <= 1)) {
      throw new IllegalArgumentException("random gave " + r + ": it must be in [0, 1], e.g. Math::random");
    }
    double min = minDelay.toNanos();
    double max = maxDelay.toNanos();
    double base = Math.min(min * Math.pow(multiplier, attempt - 1), max);
    double jittered = base * (1 + jitter * (2 * r - 1));
    return Duration.ofNanos(Math.round(Math.max(min, Math.min(max, jittered))));
  }

  /** The instant after which no attempt is made: {@code firstFailure + lifetime}. */
  public Instant deadline(Instant firstFailure) {
    return firstFailure.plus(lifetime);
  }

  /** True once {@code now} has reached the lifetime budget counted from the first failure. */
  public boolean expired(Instant firstFailure, Instant now) {
    return !now.isBefore(deadline(firstFailure));
  }

  /**
   * When to try again after the {@code attempt}-th failed attempt, or empty when no attempt is
   * left: the next would fall past the lifetime budget, or {@code attempt} has reached
   * {@code maxAttempts}. Empty means dead-letter the notification as {@code expired}.
   */
  public Optional<Instant> nextAttemptAt(int attempt, Instant firstFailure, Instant now, DoubleSupplier random) {
    if (maxAttempts.isPresent() && attempt >= maxAttempts.getAsInt()) {
      return Optional.empty();
    }
    Instant next = now.plus(delayFor(attempt, random));
    return next.isAfter(deadline(firstFailure)) ? Optional.empty() : Optional.of(next);
  }

  public Duration minDelay() {
    return minDelay;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public double multiplier() {
    return multiplier;
  }

  public double jitter() {
    return jitter;
  }

  public Duration lifetime() {
    return lifetime;
  }

  public OptionalInt maxAttempts() {
    return maxAttempts;
  }

  @Override
  public String toString() {
    return "BackoffPolicy[" + minDelay + " x" + multiplier + " up to " + maxDelay + " ±" + jitter + ", for "
        + lifetime + (maxAttempts.isPresent() ? ", at most " + maxAttempts.getAsInt() + " attempts" : "") + "]";
  }

  /** Defaults: 1 s, doubling, up to 10 min, ±20 %, for 24 h, no attempt limit. */
  @JsonPOJOBuilder(withPrefix = "")
  public static final class Builder {
    private Duration minDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofMinutes(10);
    private double multiplier = 2.0;
    private double jitter = 0.2;
    private Duration lifetime = Duration.ofHours(24);
    private Integer maxAttempts;

    private Builder() {
    }

    public Builder minDelay(Duration value) {
      this.minDelay = value;
      return this;
    }

    public Builder maxDelay(Duration value) {
      this.maxDelay = value;
      return this;
    }

    public Builder multiplier(double value) {
      this.multiplier = value;
      return this;
    }

    public Builder jitter(double value) {
      this.jitter = value;
      return this;
    }

    public Builder lifetime(Duration value) {
      this.lifetime = value;
      return this;
    }

    /** The most delivery attempts, the first included; null for no limit but the lifetime. */
    public Builder maxAttempts(Integer value) {
      this.maxAttempts = value;
      return this;
    }

    public BackoffPolicy build() {
      positive("retry.minDelay", minDelay, "PT1S");
      positive("retry.maxDelay", maxDelay, "PT10M");
      positive("retry.lifetime", lifetime, "PT24H");
      if (maxDelay.compareTo(minDelay) < 0) {
        throw new IllegalArgumentException("retry.maxDelay is " + maxDelay + ", below retry.minDelay " + minDelay
            + ": it must be at least the minimum, e.g. PT10M");
      }
      if (minDelay.compareTo(lifetime) > 0) {
        throw new IllegalArgumentException("retry.minDelay is " + minDelay + ", longer than retry.lifetime " + lifetime
            + ": no retry could ever run; shorten it or lengthen the lifetime");
      }
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("retry.multiplier is " + multiplier
            + ": it must be a number of at least 1.0 (1.0 = a fixed delay), e.g. 2.0");
      }
      if (!(jitter >= 0.0 && jitter < 1.0)) {
        throw new IllegalArgumentException("retry.jitter is " + jitter
            + ": it must be at least 0 and below 1 (a fraction of the delay), e.g. 0.2 for ±20%");
      }
      if (maxAttempts != null && maxAttempts < 1) {
        throw new IllegalArgumentException("retry.maxAttempts is " + maxAttempts
            + ": it must be at least 1, or left out for no limit but retry.lifetime");
      }
      return new BackoffPolicy(this);
    }

    private static void positive(String key, Duration value, String example) {
      Objects.requireNonNull(value, () -> key + " is missing: set it, e.g. " + example);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(key + " is " + value + ": it must be positive, e.g. " + example);
      }
      if (value.compareTo(LONGEST) > 0) {
        throw new IllegalArgumentException(key + " is " + value + ": it must be at most " + LONGEST + ", e.g. "
            + example);
      }
    }
  }
}
