package dev.notifier.cli.ops.topics;

import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.Finding;
import dev.notifier.schemas.admin.TopicAdmin;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.admin.TopicPlan;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier topics create}: carries out the {@link TopicPlan} that brings the cluster to the catalogue. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Create the missing topics and set the configs the code needs on existing ones; nothing else "
        + "changes (no topic is recreated, no partition count or replication factor altered). Run it again any time: "
        + "once everything is in place it does nothing.",
        "Exit code 0: every topic in place (warnings aside); 1: not every topic showed as needed within --timeout; "
            + "2: it could not run."})
final class TopicsCreateCommand extends TopicsSubcommand {

  @Option(names = "--partitions", paramLabel = "N",
      description = "partitions of each new topic (default: the config's topics.partitions, else "
          + TopicLayout.DEFAULT_PARTITIONS + "); a new retry or wait tier takes the send topic's count when it exists")
  Integer partitions;

  @Option(names = "--replication-factor", paramLabel = "N",
      description = "replicas of each new topic (default: the config's topics.replicationFactor, else the broker's "
          + "default.replication.factor)")
  Short replicationFactor;

  @Option(names = "--dry-run", description = "print what would be created and set, and change nothing")
  boolean dryRun;

  @Override
  protected int run(TopicAdmin admin, Topics topics) {
    TopicPlan plan = admin.plan(topics, layout());
    PrintWriter out = out();
    if (plan.isEmpty()) {
      print(plan.warnings());
      out.println("nothing to do: all " + plan.unchanged().size() + " topics exist with the configs notifier needs");
      return 0;
    }
    String verb = dryRun ? "would " : "";
    if (dryRun) {
      out.println("dry run — nothing is changed.");
    }
    plan.create().forEach(t -> out.println(verb + "create " + t.name() + ": " + describe(t)));
    plan.alter().forEach(w -> out.println(verb + "set " + w.topic() + ": " + w.required().key() + "="
        + w.required().value() + " (now " + (w.actual() == null ? "not set" : w.actual()) + ")"));
    List<Finding> after = dryRun ? plan.warnings() : admin.apply(topics, plan);
    print(after);
    out.println((dryRun ? "would create " : "created ") + plan.create().size() + ", " + verb + "set configs of "
        + plan.alter().size() + ", left " + plan.unchanged().size() + " as they are");
    return anyError(after) ? 1 : 0;
  }

  private TopicLayout layout() {
    if (partitions != null && partitions < 1) {
      throw new OpsException("--partitions " + partitions + " must be at least 1");
    }
    if (replicationFactor != null && replicationFactor < 1) {
      throw new OpsException("--replication-factor " + replicationFactor + " must be at least 1");
    }
    NotifierConfig config = kafka.configFile();
    TopicLayout base = config == null ? TopicLayout.defaults() : config.topics();
    return base.withPartitions(partitions).withReplicationFactor(replicationFactor);
  }

  /** {@code 6 partitions, replication factor 3, cleanup.policy=compact}. */
  private static String describe(NewTopic topic) {
    String replicas = topic.replicationFactor() < 0 ? "the broker's default replication factor"
        : "replication factor " + topic.replicationFactor();
    return topic.numPartitions() + " partitions, " + replicas + ", " + topic.configs().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }
}
