package dev.notifier.schemas.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.TopicSpec;
import dev.notifier.schemas.Topics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link TopicVerifier} calls an error, a warning, or nothing, on a cluster described by hand. */
class TopicVerifierTest {

  private final Topics topics = Topics.withPrefix("t.");
  private final List<TopicSpec> specs = topics.specs();
  private final String send = topics.send().name();

  /** Every topic of the catalogue as created from its spec, with {@code partitions} partitions. */
  private Map<String, ObservedTopic> asCreated(int partitions) {
    Map<String, ObservedTopic> observed = new LinkedHashMap<>();
    for (TopicSpec spec : specs) {
      Map<String, String> configs = new HashMap<>(Map.of("retention.ms", "604800000", "retention.bytes", "-1"));
      configs.putAll(spec.creationConfigs());
      observed.put(spec.name(), new ObservedTopic(spec.name(), partitions, 1, Optional.of(configs)));
    }
    return observed;
  }

  private Map<String, ObservedTopic> with(Map<String, ObservedTopic> observed, String topic, String key,
      String value) {
    ObservedTopic was = observed.get(topic);
    Map<String, String> configs = new HashMap<>(was.configs().orElseThrow());
    configs.put(key, value);
    observed.put(topic, new ObservedTopic(topic, was.partitions(), 1, Optional.of(configs)));
    return observed;
  }

  @Test
  void topicsAsTheCatalogueCreatesThemHaveNoFinding() {
    assertThat(TopicVerifier.check(specs, asCreated(6), send)).isEmpty();
  }

  @Test
  void aMissingTopicIsAnError() {
    Map<String, ObservedTopic> observed = asCreated(6);
    observed.remove(topics.waitTiers().get(2).name());
    assertThat(TopicVerifier.check(specs, observed, send))
        .containsExactly(new Finding.Missing("t.notifier.send.wait.5s"));
  }

  @Test
  void aCompactedTopicMustBeCompactAndNothingElse() {
    String status = topics.status().name();
    for (String policy : List.of("delete", "compact,delete")) {
      List<Finding> findings = TopicVerifier.check(specs, with(asCreated(6), status, "cleanup.policy", policy), send);
      assertThat(findings).singleElement().satisfies(f -> {
        assertThat(f.isError()).isTrue();
        assertThat(f.topic()).isEqualTo(status);
        assertThat(f.problem()).isEqualTo("cleanup.policy is " + policy + ", must be compact");
      });
    }
    assertThat(TopicVerifier.check(specs, with(asCreated(6), status, "cleanup.policy", " Compact "), send)).isEmpty();
  }

  @Test
  void aMessageTopicMustNotBeCompacted() {
    assertThat(TopicVerifier.check(specs, with(asCreated(6), send, "cleanup.policy", "compact"), send))
        .singleElement().extracting(Finding::problem).isEqualTo("cleanup.policy is compact, must be delete");
  }

  @Test
  void theUsageTopicKeepsTwoDaysByTimeOnly() {
    String usage = topics.usage().name();
    assertThat(TopicVerifier.check(specs, with(asCreated(6), usage, "retention.ms", "86400000"), send))
        .singleElement().extracting(Finding::problem)
        .isEqualTo("retention.ms is 86400000, must be at least 172800000 (48 h)");
    assertThat(TopicVerifier.check(specs, with(asCreated(6), usage, "retention.bytes", "1073741824"), send))
        .singleElement().extracting(Finding::problem)
        .isEqualTo("retention.bytes is 1073741824, must be -1 (unlimited)");
    assertThat(TopicVerifier.check(specs, with(asCreated(6), usage, "retention.ms", "-1"), send)).isEmpty();
    assertThat(TopicVerifier.check(specs, with(asCreated(6), usage, "retention.ms", "259200000"), send)).isEmpty();
  }

  @Test
  void aTierWithAnotherPartitionCountThanTheSendTopicIsOnlyAWarning() {
    Map<String, ObservedTopic> observed = asCreated(6);
    String tier = topics.retry(1).name();
    observed.put(tier, new ObservedTopic(tier, 3, 1, observed.get(tier).configs()));
    String events = topics.events().name();
    observed.put(events, new ObservedTopic(events, 12, 1, observed.get(events).configs()));

    assertThat(TopicVerifier.check(specs, observed, send)).singleElement().satisfies(f -> {
      assertThat(f).isEqualTo(new Finding.PartitionsApart(tier, 3, send, 6));
      assertThat(f.isError()).isFalse();
      assertThat(f.problem()).startsWith("3 partitions where t.notifier.send has 6");
    });
  }

  @Test
  void configsThisClientMayNotReadAreAWarningAndNotJudged() {
    Map<String, ObservedTopic> observed = asCreated(6);
    String status = topics.status().name();
    observed.put(status, new ObservedTopic(status, 6, 1, Optional.empty()));
    assertThat(TopicVerifier.check(specs, observed, send)).containsExactly(new Finding.ConfigsUnreadable(status));
  }
}
