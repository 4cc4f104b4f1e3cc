package dev.notifier.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.sender.config.BreakerSettings;
import java.time.Duration;

/**
 * The {@code worker:} section of a config file.
 *
 * @param groupId the consumer group every worker of a deployment shares (default notifier-senders)
 * @param workerId this instance's name in dead letters and logs (default: random)
 * @param pollTimeout how long one poll waits for notifications (default 200 ms)
 * @param drainTimeout how long a rebalance or SIGTERM waits for sends in flight (default 10 s)
 * @param backlog how much mail per account, in seconds of its rate, a worker queues (default 30 s)
 * @param retry the retry delays and the lifetime budget
 * @param breaker when an account's circuit breaker opens
 */
public record WorkerSection(
    @JsonProperty("groupId") String groupId,
    @JsonProperty("workerId") String workerId,
    @JsonProperty("pollTimeout") Duration pollTimeout,
    @JsonProperty("drainTimeout") Duration drainTimeout,
    @JsonProperty("backlog") Duration backlog,
    @JsonProperty("retry") RetrySection retry,
    @JsonProperty("breaker") BreakerSettings breaker) {

  public static WorkerSection defaults() {
    return new WorkerSection(null, null, null, null, null, null, null);
  }
}
