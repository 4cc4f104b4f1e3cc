package dev.notifier.cli.ops.backlog;

import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a consumer group's members and backlog from the cluster: its committed offsets against the ends of the
 * partitions readers may see (read committed, as the notifier's readers read), and, where records wait, the
 * publication time of the oldest one — each partition's record at its committed offset, read without joining any
 * group.
 */
public final class BacklogReader implements AutoCloseable {

  private final Admin admin;
  private final Properties clientProperties;
  private final Duration timeout;

  public BacklogReader(Properties clientProperties, Duration timeout) {
    this.clientProperties = clientProperties;
    this.timeout = timeout;
    this.admin = Admin.create(clientProperties);
  }

  /** The retry and wait tiers: mail there waits until it is due, so a backlog there is no delay. */
  public static Set<String> waitingByDesign(Topics topics) {
    return Stream.concat(topics.retryTopics().stream(), topics.waitTiers().stream()).map(Topic::name)
        .collect(Collectors.toSet());
  }

  /** The group {@code group}, described as {@code role}. */
  public GroupBacklog read(GroupBacklog.Role role, String group) {
    try {
      ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
          .get(group).get();
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      List<GroupBacklog.Member> members = description.members().stream()
          .sorted(Comparator.comparing(MemberDescription::clientId)).map(BacklogReader::member).toList();
      // partitions a member owns that the group never committed have no offset yet: counted as such
      Map<TopicPartition, OffsetAndMetadata> all = new HashMap<>(committed);
      description.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> all.putIfAbsent(tp, null)));
      return new GroupBacklog(role, group, description.groupState().toString(), members, topics(all));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return new GroupBacklog(role, group, GroupBacklog.NO_SUCH_GROUP, List.of(), List.of());
      }
      if (e.getCause() instanceof AuthorizationException refused) {
        throw refused; // the caller says which grant is missing (describing the groups is the SREs')
      }
      throw new OpsException("cannot read the group " + group + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpsException("interrupted reading the group " + group, e);
    }
  }

  private static GroupBacklog.Member member(MemberDescription m) {
    List<String> owned = m.assignment().topicPartitions().stream()
        .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
        .map(TopicPartition::toString).toList();
    return new GroupBacklog.Member(m.clientId(), m.host(), owned);
  }

  private List<GroupBacklog.TopicBacklog> topics(Map<TopicPartition, OffsetAndMetadata> committed)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, Long> ends = ends(committed.entrySet().stream().filter(e -> e.getValue() != null)
        .map(Map.Entry::getKey).collect(Collectors.toSet()));
    Map<TopicPartition, Long> waitingFrom = new HashMap<>();
    committed.forEach((tp, at) -> {
      if (at != null && ends.getOrDefault(tp, at.offset()) > at.offset()) {
        waitingFrom.put(tp, at.offset());
      }
    });
    Look look = look(waitingFrom, ends);
    Map<String, List<TopicPartition>> byTopic = committed.keySet().stream()
        .collect(Collectors.groupingBy(TopicPartition::topic, TreeMap::new, Collectors.toList()));
    List<GroupBacklog.TopicBacklog> topics = new ArrayList<>();
    for (Map.Entry<String, List<TopicPartition>> topic : byTopic.entrySet()) {
      long lag = 0;
      int behind = 0;
      int uncommitted = 0;
      for (TopicPartition tp : topic.getValue()) {
        if (committed.get(tp) == null) {
          uncommitted++;
        } else if (waitingFrom.containsKey(tp) && !look.caughtUp().contains(tp)) {
          lag += ends.get(tp) - waitingFrom.get(tp);
          behind++;
        }
      }
      Instant oldest = look.oldest().get(topic.getKey());
      String unknown = lag == 0 || oldest != null ? null
          : look.unknown().getOrDefault(topic.getKey(), "not read within --timeout");
      topics.add(new GroupBacklog.TopicBacklog(topic.getKey(), lag, behind, uncommitted, oldest, unknown));
    }
    return topics;
  }

  private Map<TopicPartition, Long> ends(Set<TopicPartition> partitions)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = partitions.stream()
        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> info = admin.listOffsets(latest,
        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
    return info.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * What reading the waiting partitions found: per topic the publication time of the oldest waiting record; the
   * partitions where nothing but transaction markers (or aborted records) waited, which are not behind at all; and
   * per topic why it could not be read.
   */
  private record Look(Map<String, Instant> oldest, Set<TopicPartition> caughtUp, Map<String, String> unknown) {
  }

  /**
   * Reads each partition of {@code from} at the offset its group resumes at (read committed, no group): its first
   * record's publication time, or that it reached {@code ends} without one. A topic this principal may not read is
   * said so; a partition whose records do not come within the time-out is left out.
   */
  private Look look(Map<TopicPartition, Long> from, Map<TopicPartition, Long> ends) {
    Look look = new Look(new HashMap<>(), new HashSet<>(), new HashMap<>());
    if (from.isEmpty()) {
      return look;
    }
    Map<String, List<TopicPartition>> byTopic = from.keySet().stream()
        .collect(Collectors.groupingBy(TopicPartition::topic));
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(TopicReader.groupless(clientProperties),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      for (Map.Entry<String, List<TopicPartition>> topic : byTopic.entrySet()) {
        consumer.assign(topic.getValue());
        topic.getValue().forEach(tp -> consumer.seek(tp, from.get(tp)));
        Set<TopicPartition> pending = new HashSet<>(topic.getValue());
        try {
          while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
              TopicPartition tp = new TopicPartition(r.topic(), r.partition());
              if (pending.remove(tp)) {
                look.oldest().merge(r.topic(), Instant.ofEpochMilli(r.timestamp()), (a, b) -> a.isBefore(b) ? a : b);
                consumer.pause(List.of(tp));
              }
            }
            // read committed, the position passes markers and aborted records: at the end, no record waited
            for (TopicPartition tp : List.copyOf(pending)) {
              if (consumer.position(tp) >= ends.get(tp)) {
                pending.remove(tp);
                look.caughtUp().add(tp);
                consumer.pause(List.of(tp));
              }
            }
          }
        } catch (AuthorizationException e) {
          look.unknown().put(topic.getKey(), "no READ grant on the topic");
        }
      }
    }
    return look;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
