package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.KafkaPrincipal;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.cli.ops.dlt.Replayer.Provenance;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier invalid republish}: invalid events back to the events topic, once their cause is fixed. */
@Command(name = "republish", mixinStandardHelpOptions = true,
    description = {"Put the invalid events that match the filter back on notifier.events, as they were published "
        + "(key, bytes, the upstream's headers), for the topology to read again once what made them invalid is "
        + "fixed: a schema registered, the notifier upgraded, streams.maxEventBytes raised.",
        "Skipped: events already republished from the same record (so the same command run twice writes nothing), "
            + "and events republished --max-republish times already (quarantined, unless --force).",
        "Provenance: the Kafka principal, the OS user and --reason go into headers and one record per event on "
            + "notifier.audit, in the event's transaction."})
public final class InvalidRepublishCommand extends InvalidQuery {

  public static final int DEFAULT_MAX_REPUBLISH = 3;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why (recorded in the audit), e.g. \"schema v4 registered, INC-123\"")
  String reason;

  @Option(names = "--dry-run", description = "show what would be republished and write nothing")
  boolean dryRun;

  @Option(names = "--max-republish", paramLabel = "N", defaultValue = "" + DEFAULT_MAX_REPUBLISH,
      description = "an event republished N times already is quarantined: refused unless --force "
          + "(default: ${DEFAULT-VALUE})")
  int maxRepublish;

  @Option(names = "--force", description = "republish quarantined events too (recorded in the audit)")
  boolean force;

  @Option(names = "--all", description = "allow republishing without any filter (every invalid event)")
  boolean all;

  @Override
  protected int run() {
    if (reason.isBlank()) {
      throw new OpsException("--reason is empty: say why these events are republished, e.g. --reason \"schema v4 "
          + "registered, INC-123\"");
    }
    InvalidFilter filter = filterOptions.filter(clock.instant());
    if (!filter.isRestricted() && !all) {
      throw new OpsException("no filter: name what to republish (--error, --key, --at, --since, --until), or pass "
          + "--all to republish every invalid event");
    }
    List<InvalidEvent> matched = read(filter);
    Republisher republisher = new Republisher(kafka.settings().clientProperties(), kafka.topics(), clock);
    Republisher.Plan plan = republisher.plan(matched, topicReader(), maxRepublish, force);
    PrintWriter out = out();
    String events = kafka.topics().events().name();
    if (dryRun) {
      out.println("dry run — nothing is written. Would republish " + plan.toRepublish().size() + " of "
          + matched.size() + " matching invalid event(s) to " + events + ":");
    }
    TextTable table = new TextTable(List.of("at", "key", "error", "republished"));
    plan.toRepublish().forEach(e -> table.row(List.of(e.position(), String.valueOf(e.key()), e.error(),
        String.valueOf(e.republished()))));
    if (!plan.toRepublish().isEmpty()) {
      table.print(out);
    }
    if (!dryRun) {
      Provenance provenance = new Provenance(KafkaPrincipal.of(kafka.settings().clientProperties()),
          System.getProperty("user.name", "?"), reason.strip());
      int written = republisher.republish(plan, provenance, force);
      out.println("republished " + written + " of " + matched.size() + " matching invalid event(s) to " + events
          + " (by " + provenance.who() + ": " + provenance.reason() + ")");
    }
    int skipped = plan.alreadyRepublished().size() + plan.quarantined().size();
    out.println((dryRun ? "would skip " : "skipped ") + skipped + (skipped == 0 ? "" : ": "
        + plan.alreadyRepublished().size() + " already republished, " + plan.quarantined().size()
        + " quarantined" + (plan.quarantined().isEmpty() ? "" : " (republished " + maxRepublish
        + " times already: notifier invalid show P:O says why they are still invalid, --force republishes them "
        + "anyway)")));
    out.flush();
    return 0;
  }
}
