package dev.notifier.sender;

import java.time.Duration;

/**
 * Waits; injected so tests can run throttled sends, drains and revokes without real waiting. Every
 * wait of the worker goes through one.
 */
@FunctionalInterface
public interface Sleeper {

  Sleeper SYSTEM = duration -> Thread.sleep(Math.max(1, duration.toMillis()));

  /** How long a drain (a shutdown, a revoke) waits between two looks at what is still in flight. */
  Duration DRAIN_CHECK = Duration.ofMillis(10);

  void sleep(Duration duration) throws InterruptedException;

  /**
   * Waits {@code duration}; false if the thread was interrupted (its interrupt flag set again), so a
   * wait loop ends instead of spinning.
   */
  default boolean pause(Duration duration) {
    try {
      sleep(duration);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
