package dev.notifier.sender;

import java.time.Duration;

/** Waits; injected so tests can run throttled sends without real waiting. */
@FunctionalInterface
public interface Sleeper {

  Sleeper SYSTEM = duration -> Thread.sleep(Math.max(1, duration.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
