package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.KafkaPrincipal;
import dev.notifier.cli.ops.ProgressBar;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.schemas.Topics;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier dlt replay}: republishes the filtered dead letters to the send topic with a fresh
 * attempt budget. What is skipped, and why a replay never sends twice, is {@link ReplayPlan}'s rule.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Republish the dead letters that match the filter to notifier.send, with their original "
        + "notification id, a fresh attempt budget and provenance headers.",
        "Skipped: notifications whose latest ledger status is SENT (already-sent), QUEUED or RETRYING "
            + "(in-flight, e.g. replayed before), SKIPPED; older dead letters of the same notification "
            + "(superseded); and notifications already replayed --max-replays times (quarantined, unless --force). "
            + "So the same replay run twice sends nothing the second time.",
        "Provenance: the Kafka principal the cluster authenticates, the OS user, and --reason go into the headers, "
            + "the ledger and one record per notification on notifier.audit, in the replay's transaction."})
public final class DltReplayCommand extends DltQuery {

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why (recorded in headers and the ledger), e.g. \"mailbox restored, INC-123\"")
  String reason;


  @Option(names = "--dry-run", description = "show what would be replayed and write nothing")
  boolean dryRun;

  @Option(names = "--rate", paramLabel = "N", description = "at most N notifications per second (default "
      + (int) ReplayService.DEFAULT_RATE + ", at most " + (int) ReplayService.MAX_RATE + ")")
  Double rate;

  @Option(names = "--max-replays", paramLabel = "N", description = "a notification replayed N times already is "
      + "quarantined: refused unless --force (default: ${DEFAULT-VALUE})",
      defaultValue = "" + ReplayService.DEFAULT_MAX_REPLAYS)
  int maxReplays;

  @Option(names = "--force", description = "replay quarantined notifications too (recorded in the audit)")
  boolean force;

  @Option(names = "--all", description = "allow a replay without any filter (every dead letter)")
  boolean all;

  @Option(names = "--progress", description = "draw a progress bar on standard error even when it is not a terminal")
  boolean progress;

  @Override
  protected int run() {
    ReplayService.Request request = new ReplayService.Request(filterOptions.filter(clock.instant()), all, reason, rate,
        maxReplays, force);
    // a replay writes QUEUED statuses: in the format the config's streams.schemaRegistry.outputs names
    Topics topics = kafka.writingTopics();
    // signed as the config's integrity section says; a missing key stops the replay here, before anything is read
    ReplayService service = new ReplayService(kafka.settings().clientProperties(), topics, topicReader(), clock,
        kafka.integrity("notifier dlt replay"));
    ReplayService.Planned planned = service.plan(request);
    Replayer.Provenance provenance = provenance();
    ReplayPlan plan = planned.plan();
    int matched = planned.matched().size();
    PrintWriter out = out();
    if (dryRun) {
      out.println("dry run — nothing is written. Would replay " + plan.toReplay().size() + " of " + matched
          + " matching dead letter(s) to " + topics.send().name() + ":");
      printPlan(plan, out);
      out.println("would skip " + plan.skippedCount() + ": " + plan.skippedSummary());
      quarantineHint(plan, out);
      out.flush();
      return 0;
    }
    ProgressBar bar = new ProgressBar(err(), ProgressBar.wanted(progress), "replaying", plan.toReplay().size());
    int written = service.replay(planned, provenance, bar);
    out.println("replayed " + written + " of " + matched + " matching dead letter(s) to " + topics.send().name()
        + " (by " + provenance.who() + ": " + provenance.reason() + ")");
    out.println("skipped " + plan.skippedCount() + ": " + plan.skippedSummary());
    quarantineHint(plan, out);
    out.flush();
    return 0;
  }

  private void quarantineHint(ReplayPlan plan, PrintWriter out) {
    if (plan.skipped().containsKey(ReplayPlan.QUARANTINED)) {
      out.println("quarantined: " + plan.skipped().get(ReplayPlan.QUARANTINED).size() + " notification(s) already "
          + "replayed " + maxReplays + " times failed again; find out why (notifier status --id ...) before "
          + "replaying them with --force");
    }
  }

  /** Built once the request was checked (its reason is not empty). */
  private Replayer.Provenance provenance() {
    String osUser = System.getProperty("user.name", "?");
    return new Replayer.Provenance(KafkaPrincipal.of(kafka.settings().clientProperties()), osUser, reason.strip());
  }

  private static void printPlan(ReplayPlan plan, PrintWriter out) {
    TextTable table = new TextTable(List.of("dlt", "notificationId", "recipient", "class", "code", "eventId"));
    for (DeadLetterEntry e : plan.toReplay()) {
      table.row(List.of(e.position(), e.notificationId(), e.recipient(), e.failureClass(),
          (e.replyCode() + " " + e.enhancedCode()).strip(), e.eventId()));
    }
    table.print(out);
  }
}
