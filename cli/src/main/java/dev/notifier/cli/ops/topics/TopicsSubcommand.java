package dev.notifier.cli.ops.topics;

import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.Finding;
import dev.notifier.schemas.admin.TopicAdmin;
import dev.notifier.schemas.config.KafkaSettings;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/**
 * What the {@code topics} subcommands share: an Admin client on the cluster of the options, the
 * catalogue under the config's prefix, and how findings are printed (one a line, errors first).
 */
abstract class TopicsSubcommand extends OpsCommand {

  @Override
  protected final int run() {
    KafkaSettings settings = kafka.settings();
    try (Admin admin = Admin.create(settings.clientProperties())) {
      return run(new TopicAdmin(admin, timeout()), settings.topics());
    }
  }

  /** Does the work; returns the exit code. */
  protected abstract int run(TopicAdmin admin, Topics topics);

  /** {@code error: staging.notifier.status: cleanup.policy is delete, must be compact}, errors first. */
  protected void print(List<Finding> findings) {
    PrintWriter out = out();
    findings.stream().sorted(Comparator.comparing(f -> !f.isError()))
        .forEach(f -> out.println((f.isError() ? "error: " : "warning: ") + f.topic() + ": " + f.problem()));
  }

  protected static boolean anyError(List<Finding> findings) {
    return findings.stream().anyMatch(Finding::isError);
  }
}
