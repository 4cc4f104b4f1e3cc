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
 */
public record WorkerSettings(String groupId, String workerId, Duration pollTimeout, List<AccountSettings> accounts) {

  public WorkerSettings {
    groupId = groupId == null ? "notifier-senders" : groupId;
    workerId = workerId == null ? "worker-" + UUID.randomUUID().toString().substring(0, 8) : workerId;
    pollTimeout = pollTimeout == null ? Duration.ofMillis(200) : pollTimeout;
    accounts = accounts == null ? List.of() : List.copyOf(accounts);
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

  public WorkerSettings withWorkerId(String id) {
    return new WorkerSettings(groupId, id, pollTimeout, accounts);
  }

  public Map<String, AccountSettings> accountsById() {
    Map<String, AccountSettings> byId = new HashMap<>();
    accounts.forEach(a -> byId.put(a.id(), a));
    return byId;
  }
}
