package dev.notifier.schemas.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.RequiredConfig;
import dev.notifier.schemas.TopicSpec;
import dev.notifier.schemas.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * How new topics are laid out: the deployment's choices, where {@link TopicSpec} holds what the
 * code needs. The {@code topics:} section of a config file; {@code notifier topics create} takes
 * {@code --partitions} and {@code --replication-factor} over it.
 *
 * <p>Every topic gets the same partition count, {@value #DEFAULT_PARTITIONS} unless told otherwise:
 * the retry and wait tiers then line up with the send topic as the worker expects, and the send
 * topic's count is the most workers that share the sending (six: the three of the compose file
 * with room to grow; a production cluster sets its own). The replication factor is the broker's
 * {@code default.replication.factor} unless told otherwise, so that one file works on a one-broker
 * development cluster and a production one. {@code configs} adds topic configs by topic name
 * without the prefix (e.g. {@code max.message.bytes} of {@code notifier.events}); one that would break
 * a {@link RequiredConfig} is refused.
 */
public record TopicLayout(
    @JsonProperty("partitions") Integer partitions,
    @JsonProperty("replicationFactor") Short replicationFactor,
    @JsonProperty("configs") Map<String, Map<String, String>> configs) {

  public static final int DEFAULT_PARTITIONS = 6;

  public TopicLayout {
    partitions = partitions == null ? DEFAULT_PARTITIONS : partitions;
    if (partitions < 1) {
      throw new IllegalArgumentException("topics.partitions is " + partitions + ": it must be at least 1 (default "
          + DEFAULT_PARTITIONS + ")");
    }
    if (replicationFactor != null && replicationFactor < 1) {
      throw new IllegalArgumentException("topics.replicationFactor is " + replicationFactor
          + ": it must be at least 1, or left out for the broker's default.replication.factor");
    }
    configs = configs == null ? Map.of() : configs.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
    if (!configs.isEmpty()) {
      refuseBadConfigs(configs);
    }
  }

  /** {@value #DEFAULT_PARTITIONS} partitions, the broker's replication factor, no extra configs. */
  public static TopicLayout defaults() {
    return new TopicLayout(null, null, null);
  }

  /** {@code partitions} partitions, the broker's replication factor, no extra configs (tests, the demo). */
  public static TopicLayout of(int partitions) {
    return new TopicLayout(partitions, null, null);
  }

  /** This layout with {@code partitions} instead, unless that is null. */
  public TopicLayout withPartitions(Integer partitions) {
    return partitions == null ? this : new TopicLayout(partitions, replicationFactor, configs);
  }

  /** This layout with {@code replicationFactor} instead, unless that is null. */
  public TopicLayout withReplicationFactor(Short replicationFactor) {
    return replicationFactor == null ? this : new TopicLayout(partitions, replicationFactor, configs);
  }

  /** Every topic of {@code topics}' catalogue as this layout creates it. */
  public List<NewTopic> newTopics(Topics topics) {
    return topics.specs().stream().map(spec -> newTopic(spec, topics.prefix())).toList();
  }

  /** {@code spec}'s topic as this layout creates it: its required configs and this layout's extra ones. */
  public NewTopic newTopic(TopicSpec spec, String prefix) {
    Map<String, String> values = new LinkedHashMap<>(spec.creationConfigs());
    values.putAll(configs.getOrDefault(spec.name().substring(prefix.length()), Map.of()));
    return new NewTopic(spec.name(), Optional.of(partitions), Optional.ofNullable(replicationFactor)).configs(values);
  }

  private static void refuseBadConfigs(Map<String, Map<String, String>> configs) {
    Map<String, TopicSpec> specs = new LinkedHashMap<>();
    Topics.standard().specs().forEach(s -> specs.put(s.name(), s));
    List<String> problems = new ArrayList<>();
    configs.forEach((topic, values) -> {
      TopicSpec spec = specs.get(topic);
      if (spec == null) {
        problems.add("topics.configs names '" + topic + "', not a notifier topic: use one of "
            + String.join(", ", specs.keySet()) + " (without the prefix)");
        return;
      }
      values.forEach((key, value) -> spec.config(key).filter(r -> !r.satisfiedBy(value)).ifPresent(r ->
          problems.add("topics.configs." + topic + "." + key + " is " + value + ", but the topic needs "
              + r.describe() + ": remove it or change it")));
    });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }
}
