package dev.notifier.sender.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A provider's rolling quota ("30 per minute", "2,000 per day") as one worker's slice of it: at most
 * {@code limit} sends in any window of length {@code window}, where an earlier send counts while
 * {@code now - sent < window}.
 *
 * <p><b>Why a sliding log and not Bucket4j.</b> Providers count the last minute or the last 24 hours
 * from any moment, not calendar cycles. Bucket4j's intervally refill is a fixed cycle: a full quota
 * just before the cycle ends and another just after lets twice the quota through within one real
 * window, and a greedy bucket of capacity Q refilled at Q per window does the same (Q at once, then Q
 * more trickling in during the same window). So this class keeps the instants of the last sends and
 * lets a send through only when fewer than {@code limit} of them are younger than the window; the
 * answer to "how long until I may send" is exact: until the oldest relevant send leaves the window.
 * Only the newest {@code limit} instants can ever decide that, so the log never holds more than
 * {@code limit} entries (2,000 instants for a 2,000/day quota) - memory is bounded by the quota.
 *
 * <p><b>The worker's slice.</b> With share {@code s} of the account, the slice is {@code quota × s}
 * messages per window, rounded down so the workers' slices never add up to more than the quota.
 * When that is less than one message, the worker may send one message per {@code window / (quota × s)}
 * instead of never: it keeps its share of the quota over time, at the price that the account may see
 * more than its quota within one window if it has more workers than the quota has messages.
 *
 * <p>The log lives in memory: a worker that restarts, or a partition that moves to another worker,
 * starts from an empty log. Not thread-safe; {@link AccountThrottle} guards it.
 */
final class RollingWindowQuota {

  private final String name;
  private final int accountQuota;
  private final Duration accountWindow;
  private final Deque<Instant> sends = new ArrayDeque<>();
  private int limit;
  private Duration window;

  /**
   * @param name for diagnostics, e.g. {@code perMinute}
   * @param accountQuota the account's quota per {@code accountWindow}, at least 1
   * @param share this worker's share of the account, in (0, 1]
   */
  RollingWindowQuota(String name, int accountQuota, Duration accountWindow, double share) {
    if (accountQuota < 1) {
      throw new IllegalArgumentException(name + " quota is " + accountQuota + ": it must be at least 1");
    }
    this.name = name;
    this.accountQuota = accountQuota;
    this.accountWindow = accountWindow;
    setShare(share);
  }

  /** Recomputes the slice; sends already in the log keep counting against it. */
  void setShare(double share) {
    if (!(share > 0) || share > 1) {
      throw new IllegalArgumentException(name + " share is " + share + ": it must be in (0, 1]");
    }
    double slice = accountQuota * share;
    long whole = (long) Math.floor(slice + AccountThrottle.ROUNDING_SLACK);
    if (whole >= 1) {
      limit = (int) whole;
      window = accountWindow;
    } else {
      limit = 1;
      window = Duration.ofNanos((long) Math.ceil(accountWindow.toNanos() / slice));
    }
    trim();
  }

  /** {@link Duration#ZERO} if a send may happen at {@code now}, else how long until one may. */
  Duration waitTime(Instant now) {
    while (!sends.isEmpty() && !now.isBefore(sends.peekFirst().plus(window))) {
      sends.removeFirst();
    }
    if (sends.size() < limit) {
      return Duration.ZERO;
    }
    return Duration.between(now, sends.peekFirst().plus(window));
  }

  /** The share of the slice that sends still in the window at {@code now} use, in [0, 1]. */
  double usedRatio(Instant now) {
    waitTime(now);
    return Math.min(1, sends.size() / (double) limit);
  }

  /** Records a send at {@code now}; call only after {@link #waitTime} returned zero. */
  void record(Instant now) {
    sends.addLast(now);
    trim();
  }

  int limit() {
    return limit;
  }

  Duration window() {
    return window;
  }

  /** Entries older than the newest {@code limit} can never decide a wait. */
  private void trim() {
    while (sends.size() > limit) {
      sends.removeFirst();
    }
  }

  @Override
  public String toString() {
    return name + ": " + limit + " per " + window;
  }
}
