package dev.notifier.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The {@code worker:} section of a config file.
 *
 * @param groupId the consumer group every worker of a deployment shares (default notifier-senders)
 * @param workerId this instance's name in dead letters and logs (default: random)
 * @param pollTimeout how long one poll waits for notifications (default 200 ms)
 */
public record WorkerSection(
    @JsonProperty("groupId") String groupId,
    @JsonProperty("workerId") String workerId,
    @JsonProperty("pollTimeout") Duration pollTimeout) {
}
