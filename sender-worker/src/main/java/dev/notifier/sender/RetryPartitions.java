package dev.notifier.sender;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Which retry and wait partitions belong to which worker: partition {@code r} of every such topic
 * maps onto send partition {@code r mod sendPartitions}, and its owner takes it. Whoever may send
 * a send partition's mail (its throttle share counts that partition) thus also holds that
 * partition's retries; a worker that owns no send partition holds none and never sits on mail it
 * cannot send. With as many partitions as the send topic (the default), a notification deferred or
 * retried is written on its send partition's number ({@code retry.RetryPlacement}) and so stays with
 * the same worker and the same part of its account's quotas.
 */
final class RetryPartitions {

  private RetryPartitions() {
  }

  static List<TopicPartition> mapOnto(Set<Integer> ownedSend, int sendPartitions, Map<String, Integer> retryTopics) {
    List<TopicPartition> owned = new ArrayList<>();
    retryTopics.forEach((topic, count) -> {
      for (int r = 0; r < count; r++) {
        if (ownedSend.contains(r % sendPartitions)) {
          owned.add(new TopicPartition(topic, r));
        }
      }
    });
    return owned;
  }
}
