package dev.notifier.sender.throttle;

import dev.notifier.sender.config.Limits;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link AccountThrottle}s of one worker, one per sender account, all at the same assignment:
 * the send partitions this worker owns. The worker calls {@link #onAssignment} after every rebalance
 * with the partitions it owns now (not only the ones just added). Until the first call the worker
 * owns nothing and every throttle answers "wait". They share one {@link QuotaLedger} and one
 * {@link Lease}.
 *
 * <p>An account without configured limits gets {@link Limits#DEFAULT}: no account is unthrottled.
 */
public final class Throttles {

  private final Map<String, Limits> limits;
  private final QuotaLedger ledger;
  private final Lease lease;
  private final Clock clock;
  private final Map<String, AccountThrottle> throttles = new HashMap<>();
  private Set<Integer> owned = Set.of();
  private int total = 1;

  public Throttles(Map<String, Limits> limits, QuotaLedger ledger, Lease lease, Clock clock) {
    this.limits = Map.copyOf(limits);
    this.ledger = ledger;
    this.lease = lease;
    this.clock = clock;
  }

  /** The throttle of {@code accountId}, created at the current assignment on first use. */
  public synchronized AccountThrottle forAccount(String accountId) {
    return throttles.computeIfAbsent(accountId, id -> {
      AccountThrottle throttle = new AccountThrottle(id, limits.getOrDefault(id, Limits.DEFAULT), ledger, lease, clock);
      throttle.assign(owned, total);
      return throttle;
    });
  }

  /** Gives every throttle the send partitions this worker owns now, of {@code totalSendPartitions}. */
  public synchronized void onAssignment(Set<Integer> ownedSendPartitions, int totalSendPartitions) {
    if (totalSendPartitions < 1) {
      throw new IllegalArgumentException("totalSendPartitions is " + totalSendPartitions
          + ": it must be at least 1, the partition count of the send topic");
    }
    owned = Set.copyOf(ownedSendPartitions);
    total = totalSendPartitions;
    throttles.values().forEach(throttle -> throttle.assign(owned, total));
  }

  /** Whether any account has a per-minute or per-day quota, and so needs the usage topic. */
  public boolean anyQuota() {
    return limits.values().stream().anyMatch(Limits::hasQuota);
  }

  /** The share every throttle of this worker has now. */
  public synchronized double share() {
    return owned.size() / (double) total;
  }
}
