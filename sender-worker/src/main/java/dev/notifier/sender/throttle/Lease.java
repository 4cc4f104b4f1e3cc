package dev.notifier.sender.throttle;

import java.time.Instant;

/**
 * How long this worker may go on sending for the partitions it owns: Kafka puts a consumer that
 * has not polled for {@code max.poll.interval.ms} out of its group and gives its partitions to
 * others, who then send at their shares. The poll loop renews the lease after every poll, up to a
 * margin before that point; a lane whose lease ran out waits instead of sending, so two workers
 * never send one partition's share at once because one of them stalled.
 */
public final class Lease {

  /** A lease that never runs out (a throttle used on its own, outside a consumer group). */
  public static final Lease ALWAYS = new Lease(Instant.MAX);

  private volatile Instant until;

  public Lease(Instant until) {
    this.until = until;
  }

  public void renew(Instant newUntil) {
    until = newUntil;
  }

  public boolean valid(Instant now) {
    return now.isBefore(until);
  }
}
