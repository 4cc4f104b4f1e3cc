package dev.notifier.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.sender.config.BackoffPolicy;
import java.time.Duration;

/**
 * The {@code worker.retry:} section: exponential backoff with jitter between {@code minDelay} and
 * {@code maxDelay}, within a {@code lifetime} budget after which the notification is dead-lettered
 * as expired. Absent values keep the policy's defaults.
 */
public record RetrySection(
    @JsonProperty("minDelay") Duration minDelay,
    @JsonProperty("maxDelay") Duration maxDelay,
    @JsonProperty("multiplier") Double multiplier,
    @JsonProperty("jitter") Double jitter,
    @JsonProperty("lifetime") Duration lifetime,
    @JsonProperty("maxAttempts") Integer maxAttempts) {

  public BackoffPolicy policy() {
    BackoffPolicy.Builder builder = BackoffPolicy.builder();
    if (minDelay != null) {
      builder.minDelay(minDelay);
    }
    if (maxDelay != null) {
      builder.maxDelay(maxDelay);
    }
    if (multiplier != null) {
      builder.multiplier(multiplier);
    }
    if (jitter != null) {
      builder.jitter(jitter);
    }
    if (lifetime != null) {
      builder.lifetime(lifetime);
    }
    if (maxAttempts != null) {
      builder.maxAttempts(maxAttempts);
    }
    return builder.build();
  }
}
