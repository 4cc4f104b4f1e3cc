package dev.notifier.schemas.admin;

import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What {@code notifier topics create} does to bring the cluster to the catalogue: create the
 * missing topics, set the required configs an existing topic lacks, and nothing else — an existing
 * topic is never recreated, and its partitions and replicas are never changed.
 *
 * @param create the topics to create, as the layout lays them out
 * @param alter the required configs to set on existing topics
 * @param warnings what stays as it is but is reported (see {@link TopicVerifier})
 * @param unchanged the existing topics with nothing to change
 */
public record TopicPlan(List<NewTopic> create, List<Finding.WrongConfig> alter, List<Finding> warnings,
    List<String> unchanged) {

  public TopicPlan {
    create = List.copyOf(create);
    alter = List.copyOf(alter);
    warnings = List.copyOf(warnings);
    unchanged = List.copyOf(unchanged);
  }

  /** Whether there is nothing to create and nothing to set. */
  public boolean isEmpty() {
    return create.isEmpty() && alter.isEmpty();
  }
}
