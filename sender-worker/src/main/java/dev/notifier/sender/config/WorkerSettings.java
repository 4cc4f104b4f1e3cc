package dev.notifier.sender.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a sender worker runs with: the {@code worker:} section of a notifier config file and the
 * config's {@code accounts}.
 *
 * @param groupId the consumer group all sender workers share
 * @param workerId this instance's name in dead letters and logs; random when absent
 * @param pollTimeout how long one poll waits for notifications
 * @param accounts the sender accounts
 * @param drainTimeout how long a revoke or a shutdown waits for sends in flight (default 10 s);
 *     well under {@code max.poll.interval.ms} and under a pod's termination grace period
 * @param backlog how much mail, in seconds of an account's rate, a worker queues per account before
 *     it defers the rest to a wait tier (default 30 s)
 * @param backoff retry delays and the lifetime budget
 * @param breaker when an account's circuit breaker opens
 */
public record WorkerSettings(String groupId, String workerId, Duration pollTimeout, List<AccountSettings> accounts,
    Duration drainTimeout, Duration backlog, BackoffPolicy backoff, BreakerSettings breaker) {

  /** The consumer group of the workers unless configured. */
  public static final String DEFAULT_GROUP_ID = "notifier-senders";

  public WorkerSettings {
    groupId = groupId == null ? DEFAULT_GROUP_ID : groupId;
    workerId = workerId == null ? "worker-" + UUID.randomUUID().toString().substring(0, 8) : workerId;
    pollTimeout = pollTimeout == null ? Duration.ofMillis(200) : pollTimeout;
    accounts = accounts == null ? List.of() : List.copyOf(accounts);
    drainTimeout = drainTimeout == null ? Duration.ofSeconds(10) : drainTimeout;
    backlog = backlog == null ? Duration.ofSeconds(30) : backlog;
    backoff = backoff == null ? BackoffPolicy.builder().build() : backoff;
    breaker = breaker == null ? BreakerSettings.defaults() : breaker;
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("accounts is empty: configure at least one sender account");
    }
    Map<String, AccountSettings> byId = new HashMap<>();
    for (AccountSettings a : accounts) {
      if (byId.put(a.id(), a) != null) {
        throw new IllegalArgumentException("accounts has two accounts with id '" + a.id() + "': ids must be unique");
      }
    }
  }

  public WorkerSettings(String groupId, String workerId, Duration pollTimeout, List<AccountSettings> accounts) {
    this(groupId, workerId, pollTimeout, accounts, null, null, null, null);
  }

  public WorkerSettings withWorkerId(String id) {
    return new WorkerSettings(groupId, id, pollTimeout, accounts, drainTimeout, backlog, backoff, breaker);
  }

  public WorkerSettings withBackoff(BackoffPolicy policy) {
    return new WorkerSettings(groupId, workerId, pollTimeout, accounts, drainTimeout, backlog, policy, breaker);
  }

  public WorkerSettings withBreaker(BreakerSettings settings) {
    return new WorkerSettings(groupId, workerId, pollTimeout, accounts, drainTimeout, backlog, backoff, settings);
  }

  public Map<String, AccountSettings> accountsById() {
    Map<String, AccountSettings> byId = new HashMap<>();
    accounts.forEach(a -> byId.put(a.id(), a));
    return byId;
  }
}
