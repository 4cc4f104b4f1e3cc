package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * When an account's circuit breaker opens and how long it stays open.
 *
 * @param failureRatePercent the share of failed sends, among the last {@code window}, that opens it
 * @param window how many recent sends are judged
 * @param minimumCalls sends needed before the rate is judged at all
 * @param openFor how long the breaker stays open before one probe is let through
 */
public record BreakerSettings(
    @JsonProperty("failureRatePercent") Float failureRatePercent,
    @JsonProperty("window") Integer window,
    @JsonProperty("minimumCalls") Integer minimumCalls,
    @JsonProperty("openFor") Duration openFor) {

  public BreakerSettings {
    failureRatePercent = failureRatePercent == null ? 50f : failureRatePercent;
    window = window == null ? 10 : window;
    minimumCalls = minimumCalls == null ? 3 : minimumCalls;
    openFor = openFor == null ? Duration.ofSeconds(30) : openFor;
    if (failureRatePercent <= 0 || failureRatePercent > 100) {
      throw new IllegalArgumentException("worker.breaker.failureRatePercent is " + failureRatePercent
          + ": it must be in (0, 100], e.g. 50");
    }
    if (window < 1 || minimumCalls < 1 || minimumCalls > window) {
      throw new IllegalArgumentException("worker.breaker.window is " + window + " and minimumCalls " + minimumCalls
          + ": both must be at least 1 and minimumCalls at most window, e.g. 10 and 3");
    }
    if (openFor.isNegative() || openFor.isZero()) {
      throw new IllegalArgumentException("worker.breaker.openFor is " + openFor + ": it must be positive, e.g. PT30S");
    }
  }

  public static BreakerSettings defaults() {
    return new BreakerSettings(null, null, null, null);
  }

  public BreakerSettings withOpenFor(Duration duration) {
    return new BreakerSettings(failureRatePercent, window, minimumCalls, duration);
  }
}
