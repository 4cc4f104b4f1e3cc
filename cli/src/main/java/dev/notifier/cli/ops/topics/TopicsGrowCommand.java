package dev.notifier.cli.ops.topics;

import dev.notifier.cli.ops.OpsException;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicAdmin;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier topics grow}: more partitions for the send topic and its retry and wait tiers together, so that
 * more workers can share the mail (one partition is the most a worker can be given). The tiers grow with the send
 * topic because a worker maps tier partition r onto send partition r mod the send topic's count: grown alone, the
 * send topic's new partitions would have no tier partitions of their own. The events topic is never grown here: the
 * streams app's stores are partitioned as it is.
 */
@Command(name = "grow", mixinStandardHelpOptions = true,
    description = {"Give the send topic and every retry and wait tier --partitions partitions, so that up to that "
        + "many workers share the mail. Partitions are only ever added; a topic that has as many already is left "
        + "as it is. Running workers take the new partitions, and the streams app writes to them, within half a "
        + "minute; the workers' throttle shares and quota parts follow, and mail sent before within a quota's window "
        + "still counts against it. A new partition's mail waits until every worker knows of it (33 s with the "
        + "default metadata.max.age.ms); add workers after that.",
        "Exit code 0: grown (or nothing to grow); 1: the cluster did not show every topic grown within --timeout; "
            + "2: it could not run."})
final class TopicsGrowCommand extends TopicsSubcommand {

  @Option(names = "--partitions", paramLabel = "N", required = true,
      description = "the partition count to grow to: at most this many workers send at once")
  int partitions;

  @Option(names = "--dry-run", description = "print what would grow, and change nothing")
  boolean dryRun;

  @Override
  protected int run(TopicAdmin admin, Topics topics) {
    String send = topics.send().name();
    Map<String, Integer> counts = admin.sendAndTiers(topics);
    Integer sendCount = counts.get(send);
    if (sendCount == null) {
      throw new OpsException(send + " does not exist: run notifier topics create --config FILE --partitions "
          + partitions + " to create it and its tiers with that many");
    }
    if (sendCount > partitions) {
      throw new OpsException("--partitions " + partitions + " is fewer than the " + sendCount + " " + send
          + " has: Kafka only adds partitions, so ask for " + sendCount + " or more");
    }
    Map<String, Integer> below = new LinkedHashMap<>();
    counts.forEach((name, count) -> {
      if (count < partitions) {
        below.put(name, count);
      }
    });
    PrintWriter out = out();
    if (below.isEmpty()) {
      out.println("nothing to do: " + send + " and its retry and wait tiers have " + partitions
          + " partitions or more");
      return 0;
    }
    String verb = dryRun ? "would grow " : "grow ";
    if (dryRun) {
      out.println("dry run — nothing is changed.");
    }
    below.forEach((name, now) -> out.println(verb + name + ": " + now + " -> " + partitions + " partitions"));
    if (!dryRun) {
      List<String> behind = admin.grow(below.keySet(), partitions);
      if (!behind.isEmpty()) {
        out.println("error: the cluster does not show " + partitions + " partitions within --timeout for "
            + String.join(", ", behind) + ": run notifier topics describe to see where they stand");
        return 1;
      }
      out.println("grew " + below.size() + " topics to " + partitions + " partitions. Running workers take the new "
          + "ones, and the streams app writes to them, within half a minute; a worker holds a new one back until every "
          + "worker knows of it (33 s with the default metadata.max.age.ms), so its first mail waits that long. Then "
          + "scale the workers up to " + partitions + ": one started sooner may take a new partition while another "
          + "worker still shares the account limits by the old count.");
    }
    return 0;
  }
}
