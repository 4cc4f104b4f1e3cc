package dev.notifier.sender.guard;

import dev.notifier.sender.config.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The circuit breaker of one sender account (Resilience4j). Connection failures, time-outs,
 * provider throttling and account-level rejections (bad credentials, TLS required, sender not the
 * user) count as failures; a refused recipient does not, since it says the server is healthy.
 * While the breaker is open no send is attempted for the account: its mail waits in the retry
 * topic and other accounts' mail flows on. After {@link BreakerSettings#openFor()} one probe is let
 * through (half-open); its success closes the breaker.
 */
public final class AccountGuard {

  private final CircuitBreaker breaker;
  private final Duration openFor;

  public AccountGuard(String accountId, BreakerSettings settings, Clock clock) {
    CircuitBreakerConfig config = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(settings.window())
        .minimumNumberOfCalls(settings.minimumCalls())
        .failureRateThreshold(settings.failureRatePercent())
        .waitDurationInOpenState(settings.openFor())
        .permittedNumberOfCallsInHalfOpenState(1)
        .recordException(e -> true)
        .clock(clock)
        .build();
    this.breaker = CircuitBreaker.of("smtp-" + accountId, config);
    this.openFor = settings.openFor();
  }

  /** True if a send may be attempted now; the caller must then report it with one of the methods below. */
  public boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  /** Gives back a permission that was not used (the send was deferred before it started). */
  public void release() {
    breaker.releasePermission();
  }

  public void succeeded(Duration took) {
    breaker.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
  }

  public void failed(Duration took, Throwable cause) {
    breaker.onError(took.toNanos(), TimeUnit.NANOSECONDS, cause);
  }

  /** How long mail should wait before trying the account again while the breaker is open. */
  public Duration retryAfter() {
    return openFor;
  }

  public CircuitBreaker.State state() {
    return breaker.getState();
  }
}
