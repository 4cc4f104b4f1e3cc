package dev.notifier.sender.throttle;

import dev.notifier.sender.config.Limits;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link AccountThrottle}s of one worker, one per sender account, all at the same share: the
 * fraction of the send topic's partitions this worker owns. The worker calls {@link #onAssignment}
 * after every rebalance with the partitions it owns now (not only the ones just added). Until the
 * first call the worker owns nothing and every throttle answers "wait".
 *
 * <p>An account without configured limits gets {@link Limits#DEFAULT}: no account is unthrottled.
 */
public final class Throttles {

  private final Map<String, Limits> limits;
  private final Clock clock;
  private final Map<String, AccountThrottle> throttles = new HashMap<>();
  private double share;

  public Throttles(Map<String, Limits> limits, Clock clock) {
    this.limits = Map.copyOf(limits);
    this.clock = clock;
  }

  /** The throttle of {@code accountId}, created at the current share on first use. */
  public synchronized AccountThrottle forAccount(String accountId) {
    return throttles.computeIfAbsent(accountId,
        id -> new AccountThrottle(limits.getOrDefault(id, Limits.DEFAULT), share, clock));
  }

  /** Sets every throttle's share to {@code ownedSendPartitions / totalSendPartitions}. */
  public synchronized void onAssignment(int ownedSendPartitions, int totalSendPartitions) {
    if (totalSendPartitions < 1) {
      throw new IllegalArgumentException("totalSendPartitions is " + totalSendPartitions
          + ": it must be at least 1, the partition count of the send topic");
    }
    if (ownedSendPartitions < 0 || ownedSendPartitions > totalSendPartitions) {
      throw new IllegalArgumentException("ownedSendPartitions is " + ownedSendPartitions
          + ": it must be between 0 and totalSendPartitions (" + totalSendPartitions + ")");
    }
    share = (double) ownedSendPartitions / totalSendPartitions;
    throttles.values().forEach(throttle -> throttle.setShare(share));
  }

  /** The share every throttle of this worker has now. */
  public synchronized double share() {
    return share;
  }
}
