package dev.notifier.cli.ops.dlt;

import dev.notifier.sender.Sleeper;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces calls evenly at a rate (per second): each {@link #acquire()} waits for its slot, one
 * interval after the previous one. A caller that falls behind is not allowed a burst to catch up.
 * Time and waiting are injected so tests run without sleeping.
 */
public final class Pacer {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long next = Long.MIN_VALUE;

  public Pacer(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate " + perSecond + " must be a positive number of messages per second");
    }
    this.intervalNanos = (long) (1_000_000_000L / perSecond);
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  private Pacer() {
    this.intervalNanos = 0;
    this.nanoTime = () -> 0;
    this.sleeper = d -> { };
  }

  /** No pacing at all. */
  public static Pacer unlimited() {
    return new Pacer();
  }

  public void acquire() throws InterruptedException {
    if (intervalNanos == 0) {
      return;
    }
    long now = nanoTime.getAsLong();
    long slot = next == Long.MIN_VALUE ? now : Math.max(next, now);
    if (slot > now) {
      sleeper.sleep(Duration.ofNanos(slot - now));
    }
    next = slot + intervalNanos;
  }
}
