package dev.notifier.schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one topic of the catalogue needs of the cluster, whoever creates it ({@link Topics#specs()}):
 * the configs the code depends on, and whether its partitions are meant to line up with the send
 * topic's. Partition count and replication factor are not here: they are deployment choices.
 *
 * @param name the topic's name, prefix included
 * @param configs what its config must be: a new topic is created with these values, an existing one
 *     is judged by them
 * @param followsSend a retry or wait tier: a worker maps its partition r onto send partition
 *     r mod the send topic's partition count, so the intended layout has the send topic's count
 */
public record TopicSpec(String name, List<RequiredConfig> configs, boolean followsSend) {

  public TopicSpec {
    configs = List.copyOf(configs);
  }

  /** The configs to create the topic with: every required value. */
  public Map<String, String> creationConfigs() {
    Map<String, String> values = new LinkedHashMap<>();
    configs.forEach(c -> values.put(c.key(), c.value()));
    return values;
  }

  /** The requirement on config {@code key}, if the topic has one. */
  public Optional<RequiredConfig> config(String key) {
    return configs.stream().filter(c -> c.key().equals(key)).findFirst();
  }
}
