package dev.notifier.cli.ops.ledger;

import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.LedgerReader;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.suppressions.SuppressionList;
import dev.notifier.cli.ops.suppressions.SuppressionView;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.cli.ops.dlt.DltFilter;
import dev.notifier.cli.ops.dlt.DltReader;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier status}: did this person get this notification? Answers from the delivery
 * ledger (see {@link LedgerReader} for what it keeps) and, for one notification, the dead letters.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Look up the delivery ledger (notifier.status): one notification's history and dead letters "
        + "(--id), every recipient of an event (--event), or recent notifications to an address (--to).",
        "The compacted ledger keeps the latest status of every notification; earlier statuses stay until the "
            + "log cleaner compacts them; failures keep their full facts in notifier.send.dlt."})
public final class StatusCommand extends OpsCommand {

  static final class Query {
    @Option(names = "--id", paramLabel = "NOTIFICATION_ID", description = "one notification: its history and dead letters")
    String id;

    @Option(names = "--event", paramLabel = "EVENT_ID", description = "every recipient of an event and their status")
    String event;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "recent notifications to an address, newest first")
    String to;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "with --to: at most N (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "write JSON instead of a table")
  boolean json;

  @Override
  protected int run() {
    if (limit < 1) {
      throw new OpsException("--limit " + limit + " must be at least 1");
    }
    Topics topics = kafka.topics();
    LedgerReader ledger = new LedgerReader(topicReader(), topics);
    int code = query(ledger, topics);
    if (ledger.unreadRegistryRecords() > 0) {
      boolean configured = kafka.configFile() != null && kafka.configFile().streams().schemaRegistry() != null;
      err().println("notifier: " + ledger.unreadRegistryRecords() + " status record(s) in a schema registry's wire "
          + "format were not read" + (configured ? " (the first: " + ledger.firstRegistryError() + ")"
          : ": pass --config FILE whose streams.schemaRegistry names the registry"));
      err().flush();
    }
    return code;
  }

  private int query(LedgerReader ledger, Topics topics) {
    if (query.id != null) {
      return byId(query.id.strip(), ledger, topics);
    }
    if (query.event != null) {
      return byEvent(query.event.strip(), ledger);
    }
    String address = NotificationIds.normalize(query.to);
    if (!json) {
      // a suppressed address gets no mail however many events name it: say so before its history
      SuppressionList.read(topicReader(), topics).of(address).ifPresent(s ->
          out().println(address + ": " + SuppressionView.sentence(s, clock.instant())
              + " (notifier suppressions show " + address + ")"));
    }
    return byRecipient(address, ledger);
  }

  private int byId(String id, LedgerReader ledger, Topics topics) {
    List<StatusEntry> history = ledger.history(s -> s.getNotificationId().equals(id));
    DltFilter onlyThis = new DltFilter(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(id),
        Set.of(), Set.of(), Set.of(), null, null);
    List<DeadLetterEntry> letters = new DltReader(topicReader(), topics).read(onlyThis).entries();
    if (history.isEmpty()) {
      return notFound("no status for notification " + id + " in " + topics.status().name()
          + (letters.isEmpty() ? "" : " (but " + letters.size() + " dead letter(s))")
          + ": check the id (notifier dlt list and notifier status --event show ids) and the topic prefix");
    }
    PrintWriter out = out();
    if (json) {
      out.println(Json.pretty(StatusView.historyJson(id, history, letters)));
      out.flush();
    } else {
      StatusView.history(id, history, letters, out);
    }
    return 0;
  }

  private int byEvent(String eventId, LedgerReader ledger) {
    List<StatusEntry> latest = new ArrayList<>(ledger.latest(s -> s.getEventId().equals(eventId)).values());
    if (latest.isEmpty()) {
      return notFound("no notification of event " + eventId + " in the ledger: check the event id; an event the "
          + "topology rejected is in notifier.events.invalid");
    }
    latest.sort(Comparator.comparing(StatusEntry::recipient).thenComparing(StatusEntry::notificationId));
    print(latest, () -> StatusView.event(eventId, latest, out()));
    return 0;
  }

  private int byRecipient(String address, LedgerReader ledger) {
    List<StatusEntry> all = new ArrayList<>(ledger.latest(s -> s.getEmail() != null
        && NotificationIds.normalize(s.getEmail()).equals(address)).values());
    if (all.isEmpty()) {
      return notFound("no notification to " + address + " in the ledger: check the address; a user without an "
          + "address appears under --event as user:ID");
    }
    all.sort(Comparator.comparing((StatusEntry e) -> e.status().getAt()).reversed());
    List<StatusEntry> recent = all.subList(0, Math.min(limit, all.size()));
    print(recent, () -> StatusView.recipient(address, recent, all.size(), out()));
    return 0;
  }

  private void print(List<StatusEntry> entries, Runnable table) {
    if (json) {
      out().println(Json.pretty(entries.stream().map(StatusView::json).toList()));
    } else {
      table.run();
    }
    out().flush();
  }

  private int notFound(String message) {
    err().println("notifier: " + message);
    err().flush();
    return 1;
  }
}
