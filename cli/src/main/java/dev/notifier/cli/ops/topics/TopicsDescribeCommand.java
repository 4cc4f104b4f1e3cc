package dev.notifier.cli.ops.topics;

import dev.notifier.cli.ops.TextTable;
import dev.notifier.schemas.TopicSpec;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.Finding;
import dev.notifier.schemas.admin.ObservedTopic;
import dev.notifier.schemas.admin.TopicAdmin;
import dev.notifier.schemas.admin.TopicVerifier;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code notifier topics describe}: every topic of the catalogue as the cluster holds it, with its state. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Show every topic of the catalogue: partitions, replicas, cleanup policy, retention, and "
        + "what verify says of it.")
final class TopicsDescribeCommand extends TopicsSubcommand {

  @Override
  protected int run(TopicAdmin admin, Topics topics) {
    List<TopicSpec> specs = topics.specs();
    Map<String, ObservedTopic> observed = admin.observe(specs.stream().map(TopicSpec::name).toList());
    Map<String, String> states = TopicVerifier.check(specs, observed, topics.send().name()).stream()
        .collect(Collectors.groupingBy(Finding::topic, Collectors.mapping(f -> (f.isError() ? "" : "warning: ")
            + f.problem(), Collectors.joining("; "))));
    TextTable table = new TextTable(List.of("topic", "partitions", "replicas", "cleanup.policy", "retention.ms",
        "state"));
    for (TopicSpec spec : specs) {
      ObservedTopic topic = observed.get(spec.name());
      String state = states.getOrDefault(spec.name(), "ok");
      table.row(topic == null ? List.of(spec.name(), "-", "-", "-", "-", state)
          : List.of(spec.name(), String.valueOf(topic.partitions()), String.valueOf(topic.replicationFactor()),
              orDash(topic.config("cleanup.policy")), orDash(topic.config("retention.ms")), state));
    }
    table.print(out());
    return 0;
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
