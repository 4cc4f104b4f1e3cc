package dev.notifier.schemas.admin;

import dev.notifier.schemas.RequiredConfig;
import dev.notifier.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges what the cluster holds against what the catalogue needs ({@link TopicSpec}), without
 * talking to Kafka. The comparisons, in the order they are made for each topic:
 * <ol>
 *   <li>a topic that does not exist is an error;
 *   <li>configs this client may not read are a warning, and are not judged (the app may still run:
 *       reading a topic's configs needs a permission that reading and writing it do not);
 *   <li>a required config with another value is an error: the cleanup policy must be exactly the
 *       catalogue's (as a set: {@code compact,delete} is not {@code compact}), a retention at least
 *       the catalogue's ({@code -1}, unlimited, always is);
 *   <li>a retry or wait tier whose partition count is not the send topic's is a warning: it works,
 *       but not as laid out (see {@link Finding.PartitionsApart}).
 * </ol>
 * Other partition counts and replication factors are deployment choices and never judged.
 */
public final class TopicVerifier {

  private TopicVerifier() {
  }

  /**
   * Findings for {@code specs}, in their order, given what {@code observed} holds (by name; a name
   * absent is a missing topic) and the send topic's name (its partitions are the tiers' measure).
   */
  public static List<Finding> check(List<TopicSpec> specs, Map<String, ObservedTopic> observed, String sendTopic) {
    List<Finding> findings = new ArrayList<>();
    ObservedTopic send = observed.get(sendTopic);
    for (TopicSpec spec : specs) {
      ObservedTopic topic = observed.get(spec.name());
      if (topic == null) {
        findings.add(new Finding.Missing(spec.name()));
        continue;
      }
      if (topic.configs().isPresent()) {
        findings.addAll(wrongConfigs(spec, topic));
      } else {
        findings.add(new Finding.ConfigsUnreadable(spec.name()));
      }
      if (spec.followsSend() && send != null && topic.partitions() != send.partitions()) {
        findings.add(new Finding.PartitionsApart(spec.name(), topic.partitions(), sendTopic, send.partitions()));
      }
    }
    return findings;
  }

  private static List<Finding> wrongConfigs(TopicSpec spec, ObservedTopic topic) {
    List<Finding> wrong = new ArrayList<>();
    for (RequiredConfig required : spec.configs()) {
      String actual = topic.config(required.key());
      if (!required.satisfiedBy(actual)) {
        wrong.add(new Finding.WrongConfig(spec.name(), required, actual));
      }
    }
    return wrong;
  }
}
