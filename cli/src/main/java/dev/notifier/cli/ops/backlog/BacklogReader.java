package dev.notifier.cli.ops.backlog;

import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
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

  /**
   * The group {@code group}, described as {@code role}: a consumer group (classic or KIP-848), or a streams group
   * (KIP-1071, a streams app on {@code group.protocol: streams}), which the consumer groups' calls do not describe.
   */
  public GroupBacklog read(GroupBacklog.Role role, String group) {
    try {
      ConsumerGroupDescription description;
      try {
        description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof GroupIdNotFoundException) {
          return readStreamsGroup(role, group);
        }
        throw e;
      }
      if (description.type() == GroupType.STREAMS) {
        return readStreamsGroup(role, group);
      }
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get();
      List<GroupBacklog.Member> members = description.members().stream()
          .map(m -> member(m.clientId(), m.host(), m.assignment().topicPartitions()))
          .sorted(Comparator.comparing(GroupBacklog.Member::clientId)).toList();
      Set<TopicPartition> owned = new HashSet<>();
      description.members().forEach(m -> owned.addAll(m.assignment().topicPartitions()));
      return new GroupBacklog(role, group, description.groupState().toString(), members,
          topics(withOwned(committed, owned)));
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

  /**
   * A streams group: each member owns the partitions of its active tasks — a task is a sub-topology's partition
   * number, over every topic that sub-topology reads (its source and repartition topics). Standby tasks own none.
   */
  private GroupBacklog readStreamsGroup(GroupBacklog.Role role, String group)
      throws ExecutionException, InterruptedException {
    StreamsGroupDescription description = admin.describeStreamsGroups(List.of(group)).describedGroups().get(group)
        .get();
    Map<String, List<String>> readBy = new HashMap<>();
    description.subtopologies().forEach(s -> readBy.put(s.subtopologyId(),
        Stream.concat(s.sourceTopics().stream(), s.repartitionSourceTopics().keySet().stream()).distinct().toList()));
    Set<TopicPartition> owned = new HashSet<>();
    List<GroupBacklog.Member> members = new ArrayList<>();
    for (StreamsGroupMemberDescription m : description.members()) {
      Set<TopicPartition> mine = new HashSet<>();
      m.assignment().activeTasks().forEach(task -> readBy.getOrDefault(task.subtopologyId(), List.of())
          .forEach(topic -> task.partitions().forEach(p -> mine.add(new TopicPartition(topic, p)))));
      owned.addAll(mine);
      members.add(member(m.clientId(), m.clientHost(), mine));
    }
    members.sort(Comparator.comparing(GroupBacklog.Member::clientId));
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    admin.listStreamsGroupOffsets(Map.of(group, new ListStreamsGroupOffsetsSpec()))
        .partitionsToOffsetAndMetadata(group).get().forEach((tp, offset) -> {
          if (offset != null) {
            committed.put(tp, offset);
          }
        });
    return new GroupBacklog(role, group, description.groupState().toString(), members,
        topics(withOwned(committed, owned)));
  }

  /** Partitions a member owns that the group never committed have no offset yet: counted as such (null). */
  private static Map<TopicPartition, OffsetAndMetadata> withOwned(Map<TopicPartition, OffsetAndMetadata> committed,
      Set<TopicPartition> owned) {
    Map<TopicPartition, OffsetAndMetadata> all = new HashMap<>(committed);
    owned.forEach(tp -> all.putIfAbsent(tp, null));
    return all;
  }

  private static GroupBacklog.Member member(String clientId, String host, Collection<TopicPartition> partitions) {
    List<String> owned = partitions.stream()
        .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
        .map(TopicPartition::toString).toList();
    return new GroupBacklog.Member(clientId, host, owned);
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
