package dev.notifier.cli.ops.dlt;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.ops.LedgerReader;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.ProgressBar;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.schemas.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
            + "(in-flight, e.g. replayed before), SKIPPED; and older dead letters of the same notification "
            + "(superseded). So the same replay run twice sends nothing the second time."})
public final class DltReplayCommand extends DltQuery {

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why (recorded in headers and the ledger), e.g. \"mailbox restored, INC-123\"")
  String reason;

  @Option(names = "--by", defaultValue = "${env:USER}", paramLabel = "WHO",
      description = "who replays (default: $USER, else the JVM's user.name)")
  String by;

  @Option(names = "--dry-run", description = "show what would be replayed and write nothing")
  boolean dryRun;

  @Option(names = "--rate", paramLabel = "N", description = "at most N notifications per second")
  Double rate;

  @Option(names = "--all", description = "allow a replay without any filter (every dead letter)")
  boolean all;

  @Option(names = "--progress", description = "draw a progress bar on standard error even when it is not a terminal")
  boolean progress;

  @Override
  protected int run() {
    Replayer.Provenance provenance = provenance();
    if (rate != null && !(rate > 0)) {
      throw new OpsException("--rate " + rate + " must be a positive number of notifications per second, e.g. --rate 10");
    }
    DltFilter filter = filterOptions.filter(clock.instant());
    if (!filter.isRestricted() && !all) {
      throw new OpsException("replay without a filter would replay every dead letter: add a filter (e.g. --class "
          + "DEAD_RECIPIENT --domain example.org) or pass --all");
    }
    List<DeadLetterEntry> entries = readFiltered(filter).entries();
    Set<String> ids = entries.stream().map(DeadLetterEntry::notificationId).collect(Collectors.toSet());
    Topics topics = kafka.settings().topics();
    Predicate<DeliveryStatus> ofThese = s -> ids.contains(s.getNotificationId());
    Map<String, StatusEntry> latest = ids.isEmpty() ? Map.of()
        : new LedgerReader(topicReader(), topics).latest(ofThese);
    ReplayPlan plan = ReplayPlan.of(entries, latest);
    PrintWriter out = out();
    if (dryRun) {
      out.println("dry run — nothing is written. Would replay " + plan.toReplay().size() + " of " + entries.size()
          + " matching dead letter(s) to " + topics.send().name() + ":");
      printPlan(plan, out);
      out.println("would skip " + plan.skippedCount() + ": " + plan.skippedSummary());
      out.flush();
      return 0;
    }
    ProgressBar bar = new ProgressBar(err(), ProgressBar.wanted(progress), "replaying", plan.toReplay().size());
    int written = new Replayer(kafka.settings().clientProperties(), topics, clock)
        .replay(plan, provenance, Pacer.of(rate), bar);
    out.println("replayed " + written + " of " + entries.size() + " matching dead letter(s) to " + topics.send().name()
        + " (by " + provenance.by() + ": " + provenance.reason() + ")");
    out.println("skipped " + plan.skippedCount() + ": " + plan.skippedSummary());
    out.flush();
    return 0;
  }

  private Replayer.Provenance provenance() {
    if (reason == null || reason.isBlank()) {
      throw new OpsException("--reason is empty: say why these are replayed, e.g. --reason \"mailbox restored, INC-123\"");
    }
    String who = by == null || by.isBlank() ? System.getProperty("user.name") : by;
    if (who == null || who.isBlank()) {
      throw new OpsException("--by is empty and $USER is not set: pass --by with your name");
    }
    return new Replayer.Provenance(who.strip(), reason.strip());
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
