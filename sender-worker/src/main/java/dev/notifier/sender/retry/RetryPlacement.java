package dev.notifier.sender.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Which partition of a retry or wait topic a notification is written to: the number of the send
 * partition it belongs to, so that it comes back as that partition's mail ({@code RetryPartitions}
 * maps retry partition {@code r} onto send partition {@code r mod sendPartitions}) — to the worker
 * that owns that send partition, counted against that partition's part of the account's quotas.
 *
 * <p>Without it the record went by its key's hash, which is the send partition only when the send
 * record went by the same hash; a producer that chose its partitions otherwise (a custom
 * partitioner, an explicit partition) had its deferred mail move to another send partition's part
 * of the quota — full, say, while its own part was left unused for the rest of the window
 * ({@code WorkerGuaranteesIntegrationTest} saw 19 of a minute's 20 when mail handed over at a
 * rebalance landed on partitions whose parts were used up). A topic with fewer partitions than the
 * send partition's number is asked for its count again (it may have been given more), and if it has still too few
 * the record falls back to the key's hash.
 */
public final class RetryPlacement {

  private final ToIntFunction<String> partitionCount;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  /** {@code partitionCount} tells how many partitions a topic has (0 when unknown); thread-safe. */
  public RetryPlacement(ToIntFunction<String> partitionCount) {
    this.partitionCount = partitionCount;
  }

  /** By the key's hash, as a producer's default partitioner places it. */
  public static RetryPlacement byKey() {
    return new RetryPlacement(topic -> 0);
  }

  /** The partition of {@code topic} for mail of send partition {@code sendPartition}; null: by the key's hash. */
  public Integer partition(String topic, int sendPartition) {
    Integer known = counts.get(topic);
    // a send partition past the count known: the topic may have been given partitions since
    int count = known != null && sendPartition < known ? known : learn(topic);
    return sendPartition >= 0 && sendPartition < count ? sendPartition : null;
  }

  private int learn(String topic) {
    int count;
    try {
      count = partitionCount.applyAsInt(topic);
    } catch (RuntimeException e) {
      return 0; // not known now: by the key this time, asked again the next
    }
    if (count > 0) {
      counts.merge(topic, count, Math::max); // partitions are only ever added; a stale count still names one that exists
    }
    return count;
  }
}
