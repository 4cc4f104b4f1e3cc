package dev.notifier.schemas.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** New topics as a {@link TopicLayout} lays out the catalogue, and the layouts it refuses. */
class TopicLayoutTest {

  private final Topics topics = Topics.withPrefix("t.");

  @Test
  void everyTopicOfTheCatalogueWithItsRequiredConfigs() {
    List<NewTopic> created = TopicLayout.defaults().newTopics(topics);

    assertThat(created).extracting(NewTopic::name).containsExactlyElementsOf(topics.all().stream()
        .map(Topic::name).toList());
    assertThat(created).allSatisfy(t -> {
      assertThat(t.numPartitions()).isEqualTo(TopicLayout.DEFAULT_PARTITIONS);
      assertThat(t.replicationFactor()).as("the broker's default").isEqualTo((short) -1);
    });
    assertThat(created).filteredOn(t -> "compact".equals(t.configs().get("cleanup.policy")))
        .extracting(NewTopic::name)
        .containsExactlyInAnyOrder("t.notifier.users", "t.notifier.groups", "t.notifier.status", "t.notifier.schemas",
            "t.notifier.suppressions");
    assertThat(created).filteredOn(t -> t.name().equals(topics.usage().name())).singleElement()
        .extracting(NewTopic::configs).isEqualTo(Map.of("cleanup.policy", "delete", "retention.ms", "172800000",
            "retention.bytes", "-1"));
  }

  @Test
  void extraConfigsAreAddedByTopicNameWithoutThePrefix() {
    TopicLayout layout = new TopicLayout(3, (short) 2,
        Map.of("notifier.events", Map.of("max.message.bytes", "8388608"),
            "notifier.send.usage", Map.of("retention.ms", "604800000")));

    NewTopic events = layout.newTopic(topics.spec(topics.events()), topics.prefix());
    assertThat(events.configs()).isEqualTo(Map.of("cleanup.policy", "delete", "max.message.bytes", "8388608"));
    assertThat(events.numPartitions()).isEqualTo(3);
    assertThat(events.replicationFactor()).isEqualTo((short) 2);
    assertThat(layout.newTopic(topics.spec(topics.usage()), topics.prefix()).configs())
        .containsEntry("retention.ms", "604800000");
  }

  @Test
  void aLayoutThatWouldBreakWhatTheCodeNeedsIsRefusedNamingEveryProblem() {
    assertThatThrownBy(() -> new TopicLayout(null, null, Map.of(
        "notifier.status", Map.of("cleanup.policy", "delete"),
        "notifier.send.usage", Map.of("retention.ms", "3600000"),
        "notifier.evnts", Map.of("max.message.bytes", "1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topics.configs.notifier.status.cleanup.policy is delete, but the topic needs compact")
        .hasMessageContaining("topics.configs.notifier.send.usage.retention.ms is 3600000, but the topic needs at "
            + "least 172800000")
        .hasMessageContaining("topics.configs names 'notifier.evnts', not a notifier topic");
    assertThatThrownBy(() -> TopicLayout.of(0)).hasMessageContaining("topics.partitions is 0");
    assertThatThrownBy(() -> new TopicLayout(null, (short) 0, null)).hasMessageContaining("topics.replicationFactor is 0");
  }

  @Test
  void overridesLeaveWhatTheyDoNotName() {
    TopicLayout layout = new TopicLayout(12, (short) 3, Map.of());
    assertThat(layout.withPartitions(null)).isSameAs(layout);
    assertThat(layout.withReplicationFactor(null)).isSameAs(layout);
    assertThat(layout.withPartitions(4)).isEqualTo(new TopicLayout(4, (short) 3, Map.of()));
    assertThat(layout.withReplicationFactor((short) 1).replicationFactor()).isEqualTo((short) 1);
    assertThat(TopicLayout.defaults().replicationFactor()).as("the broker's default").isNull();
  }
}
