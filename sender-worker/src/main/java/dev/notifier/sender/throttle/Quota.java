package dev.notifier.sender.throttle;

import java.time.Duration;

/**
 * A provider's rolling quota ("30 per minute", "2,000 per day"): at most {@code limit} messages
 * accepted in any window of length {@code window}, where a send counts while
 * {@code now - sent < window}. Providers count the last minute or day from any moment, not calendar
 * cycles, so it is checked against the instants in the {@link QuotaLedger}, never as a bucket refilled
 * per cycle (which lets twice the quota through around a cycle's end).
 */
record Quota(String name, int limit, Duration window) {

  /** The part of a quota a worker owning some of the send partitions may use. */
  record Slice(int limit, Duration window) {
  }

  /**
   * The slice of {@code owned} of {@code total} partitions: the quota times owned / total, rounded
   * down, so that the slices of all workers never add up to more than the quota. Below one message,
   * one message per {@code window / slice} instead of never: the worker keeps its share over time, at
   * the price that the account may see more than its quota within one window when it has more
   * partitions than the quota has messages.
   */
  Slice slice(int owned, int total) {
    double exact = limit * (double) owned / total;
    long whole = AccountThrottle.roundDown(exact);
    if (whole >= 1) {
      return new Slice((int) whole, window);
    }
    return new Slice(1, Duration.ofNanos((long) Math.ceil(window.toNanos() / exact)));
  }

  @Override
  public String toString() {
    return name + ": " + limit + " per " + window;
  }
}
