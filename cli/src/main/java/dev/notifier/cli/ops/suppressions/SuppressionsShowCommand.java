package dev.notifier.cli.ops.suppressions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code notifier suppressions show ADDRESS}: its suppression, and who changed it by hand, when and why. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show an address's suppression and the audit of its changes.")
public final class SuppressionsShowCommand extends OpsCommand {

  @Parameters(paramLabel = "ADDRESS", description = "the email address")
  String address;

  @Override
  protected int run() {
    Topics topics = kafka.topics();
    String key = NotificationIds.normalize(address);
    Optional<Suppression> s = SuppressionList.read(topicReader(), topics).of(key);
    List<JsonNode> history = SuppressionAudit.history(topicReader(), topics.audit().name(), key);
    PrintWriter out = out();
    out.println(key + ": " + s.map(v -> SuppressionView.sentence(v, clock.instant())).orElse("not suppressed"));
    if (s.isPresent() && s.get().getNotificationId() != null) {
      out.println("  notification: " + s.get().getNotificationId() + " (notifier status --id shows it)");
    }
    if (history.isEmpty()) {
      out.println("  no change by hand");
    }
    for (JsonNode h : history) {
      out.println("  " + SuppressionView.auditLine(h));
    }
    out.flush();
    return s.isPresent() ? 0 : 1;
  }
}
