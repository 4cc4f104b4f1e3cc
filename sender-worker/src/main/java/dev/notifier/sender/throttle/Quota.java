package dev.notifier.sender.throttle;

import java.time.Duration;
import java.time.Instant;

/**
 * A provider's rolling quota ("30 per minute", "2,000 per day"): at most {@code limit} messages
 * accepted in any window of length {@code window}, where a send counts while
 * {@code now - sent < window}. Providers count the last minute or day from any moment, not calendar
 * cycles, so it is checked against the instants in the {@link QuotaLedger}, never as a bucket refilled
 * per cycle (which lets twice the quota through around a cycle's end).
 */
record Quota(String name, int limit, Duration window) {

  /** The part of a quota one send partition may use, whoever owns it. */
  record Slice(int limit, Duration window) {

    /** The earliest send still in a window that ends {@code now}: a send counts while now - sent < window. */
    Instant since(Instant now) {
      return now.minus(window).plusMillis(1);
    }
  }

  /**
   * The part of send partition {@code partition} of {@code total}: the quota over the partition
   * count, its remainder spread one each over the first partitions, so that the parts add up to
   * exactly the quota. Below one message per partition, one message per {@code window × total /
   * limit} instead of never: each partition keeps its part over time, at the price that the account
   * may see more than its quota within one window when it has more partitions than the quota has
   * messages.
   */
  Slice slice(int partition, int total) {
    if (limit >= total) {
      return new Slice(limit / total + (partition % total < limit % total ? 1 : 0), window);
    }
    double exact = limit / (double) total;
    return new Slice(1, Duration.ofNanos((long) Math.ceil(window.toNanos() / exact)));
  }

  @Override
  public String toString() {
    return name + ": " + limit + " per " + window;
  }
}
