package dev.notifier.cli.ops.suppressions;

import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier suppressions list}: every address in force, with why and since when. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the suppressed addresses.")
public final class SuppressionsListCommand extends OpsCommand {

  @Option(names = "--kind", paramLabel = "KIND",
      description = "only this reason: hard-bounce, soft-bounces, complaint, unsubscribe, manual")
  String reason;

  @Option(names = "--domain", paramLabel = "DOMAIN", description = "only addresses at this domain")
  String domain;

  @Option(names = "--include-expired", description = "also suppressions that have lapsed")
  boolean includeExpired;

  @Override
  protected int run() {
    List<Suppression> shown = select(reason, domain, includeExpired,
        SuppressionList.read(topicReader(), kafka.topics()), clock.instant());
    SuppressionView.table(shown, out());
    out().println("total " + shown.size() + " suppressed address(es)");
    out().flush();
    return 0;
  }

  /** The suppressions a list or export command selects by its options. */
  static List<Suppression> select(String reason, String domain, boolean includeExpired, SuppressionList list,
      java.time.Instant now) {
    String wanted = reason == null ? null : reason.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    if (wanted != null && java.util.Arrays.stream(dev.notifier.avro.SuppressionReason.values())
        .noneMatch(r -> r.name().equals(wanted))) {
      throw new OpsException("--kind " + reason + " is not a kind: use hard-bounce, soft-bounces, complaint, "
          + "unsubscribe or manual");
    }
    String at = domain == null ? null : "@" + domain.strip().toLowerCase(Locale.ROOT);
    return list.all(now, includeExpired).stream()
        .filter(s -> wanted == null || s.getReason().name().equals(wanted))
        .filter(s -> at == null || s.getAddress().endsWith(at))
        .toList();
  }
}
