package dev.notifier.schemas.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.Topics;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code kafka:} section of a notifier config file: where the cluster is, the topic prefix,
 * and any Kafka client settings (SASL/SSL) passed through unchanged to every client.
 */
public record KafkaSettings(
    @JsonProperty("bootstrapServers") String bootstrapServers,
    @JsonProperty("topicPrefix") String topicPrefix,
    @JsonProperty("properties") Map<String, String> properties) {

  public KafkaSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "kafka.bootstrapServers is missing: set it to the cluster's host:port list, e.g. localhost:9092");
    }
    topicPrefix = topicPrefix == null ? "" : topicPrefix;
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /**
   * How old a notifier client's view of the topics' partitions may be (Kafka's default, 5 minutes, would leave
   * partitions added to the send topic unused that long) unless {@code metadata.max.age.ms} is set under
   * {@code properties}.
   */
  public static final java.time.Duration METADATA_MAX_AGE = java.time.Duration.ofSeconds(30);

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, "", Map.of());
  }

  public Topics topics() {
    return Topics.withPrefix(topicPrefix);
  }

  /** Base client properties: bootstrap servers plus the pass-through settings. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(properties);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }
}
