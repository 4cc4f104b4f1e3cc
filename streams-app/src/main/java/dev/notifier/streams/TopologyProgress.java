package dev.notifier.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether the topology has processed everything written to it so far: its consumer group has
 * committed up to the end of every partition it reads — the events and the repartition topics it
 * writes to itself (the policy stage's {@code by-recipient}). Committed events alone are not enough:
 * their candidates may still sit in the repartition topic. Under exactly-once a record in flight is
 * either uncommitted input or uncommitted output, so every input caught up at one moment means idle.
 * Used by the demo and by tests to know when the output topics are complete.
 */
public final class TopologyProgress {

  private static final long TIMEOUT_SECONDS = 30;

  private final Admin admin;
  private final String applicationId;
  private final String eventsTopic;

  public TopologyProgress(Admin admin, String applicationId, String eventsTopic) {
    this.admin = admin;
    this.applicationId = applicationId;
    this.eventsTopic = eventsTopic;
  }

  /** The topics the topology reads records from: the events and its own repartition topics. */
  public List<String> inputs() {
    List<String> inputs = new ArrayList<>(List.of(eventsTopic));
    call(admin.listTopics().names()).stream()
        .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-repartition"))
        .sorted()
        .forEach(inputs::add);
    return inputs;
  }

  /** True when the group has committed up to the end of every partition of every input. */
  public boolean idle() {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicDescription topic : call(admin.describeTopics(inputs()).allTopicNames()).values()) {
      topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        call(admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata());
    return call(admin.listOffsets(latest).all()).entrySet().stream().allMatch(end -> {
      long last = end.getValue().offset();
      OffsetAndMetadata done = committed.get(end.getKey());
      return last == 0 || done != null && done.offset() >= last;
    });
  }

  private <T> T call(org.apache.kafka.common.KafkaFuture<T> future) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the progress of " + applicationId, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the progress of " + applicationId + ": " + e, e);
    }
  }
}
