package dev.notifier.schemas.admin;

import java.util.Map;
import java.util.Optional;

/**
 * What the cluster holds of one topic.
 *
 * @param configs every config of the topic with its effective value (its own or the broker's
 *     default); empty when this client may not read them (no DescribeConfigs permission)
 */
public record ObservedTopic(String name, int partitions, int replicationFactor, Optional<Map<String, String>> configs) {

  public ObservedTopic {
    configs = configs.map(Map::copyOf);
  }

  /** The effective value of config {@code key}; null when not set or not readable. */
  public String config(String key) {
    return configs.map(c -> c.get(key)).orElse(null);
  }
}
