package dev.notifier.sender.throttle;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Instant;

/** Lets Bucket4j read time from the worker's injected {@link Clock}, so tests can move it by hand. */
final class ClockTimeMeter implements TimeMeter {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Clock clock;

  ClockTimeMeter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public long currentTimeNanos() {
    Instant now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), NANOS_PER_SECOND), now.getNano());
  }

  /** A {@link Clock} tells wall-clock time (epoch based), not a monotonic counter. */
  @Override
  public boolean isWallClockBased() {
    return true;
  }
}
