package dev.notifier.cli.ops.backlog;

import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier backlog}: is the notifier keeping up, and who does what — the streams app's and the workers'
 * consumer groups, their members with the partitions each owns, and per topic how many records wait and since when.
 */
@Command(name = "backlog", mixinStandardHelpOptions = true,
    description = "Is the notifier keeping up? The streams app's and the workers' consumer groups: their members "
        + "and the partitions each owns, and per topic the records waiting (read committed) and how long the "
        + "oldest has waited.")
public final class BacklogCommand extends OpsCommand {

  @Option(names = "--streams-app", paramLabel = "ID",
      description = "the streams app's application id (default: the config's streams.applicationId, else "
          + "notifier-streams)")
  String streamsApp;

  @Option(names = "--worker-group", paramLabel = "ID",
      description = "the workers' consumer group (default: the config's worker.groupId, else notifier-senders)")
  String workerGroup;

  @Option(names = "--json", description = "one JSON document: the groups, their members and backlogs")
  boolean json;

  @Override
  protected int run() {
    NotifierConfig config = kafka.configFile();
    String streams = streamsApp != null ? streamsApp
        : config != null ? config.streams().applicationId() : StreamsSettings.defaults().applicationId();
    String workers = workerGroup != null ? workerGroup
        : config != null ? config.workerSettings().groupId() : WorkerSettings.DEFAULT_GROUP_ID;
    List<GroupBacklog> groups;
    try (BacklogReader reader = new BacklogReader(kafka.settings().clientProperties(), timeout())) {
      groups = List.of(reader.read(GroupBacklog.Role.STREAMS_APP, streams), reader.read(GroupBacklog.Role.WORKERS,
          workers));
    }
    Instant now = clock.instant();
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("at", now.toString());
      document.put("groups", groups.stream().map(g -> asJson(g, now)).toList());
      out().println(Json.pretty(document));
      out().flush();
      return 0;
    }
    Set<String> byDesign = BacklogReader.waitingByDesign(kafka.settings().topics());
    for (GroupBacklog g : groups) {
      print(g, now, byDesign);
    }
    return 0;
  }

  private void print(GroupBacklog g, Instant now, Set<String> byDesign) {
    out().println(g.role().label() + " " + g.group() + ": " + describe(g));
    if (GroupBacklog.NO_SUCH_GROUP.equals(g.state())) {
      out().println("  nothing has joined or committed under this id: is it the one the processes use ("
          + (g.role() == GroupBacklog.Role.WORKERS ? "--worker-group, the config's worker.groupId" : "--streams-app, the "
          + "config's streams.applicationId") + "), and have they started?");
      out().println();
      out().flush();
      return;
    }
    if (!g.members().isEmpty()) {
      TextTable members = new TextTable(List.of("  member", "host", "partitions"));
      g.members().forEach(m -> members.row(List.of("  " + m.clientId(), m.host(), String.join("; ",
          Partitions.compact(m.partitions())))));
      members.print(out());
    }
    if (g.topics().isEmpty()) {
      out().println("  no committed offsets: the group has not read anything yet");
    } else {
      TextTable topics = new TextTable(List.of("  topic", "waiting", "partitions behind", "oldest waiting"));
      for (GroupBacklog.TopicBacklog t : g.topics()) {
        topics.row(List.of("  " + t.topic(), String.format("%,d", t.lag()), String.valueOf(t.partitionsBehind())
            + (t.uncommitted() > 0 ? " (" + t.uncommitted() + " never committed)" : ""),
            oldest(t, now) + (byDesign.contains(t.topic()) && t.lag() > 0 ? " (waits by design until due)" : "")));
      }
      topics.print(out());
    }
    out().println();
    out().flush();
  }

  private static String describe(GroupBacklog g) {
    if (GroupBacklog.NO_SUCH_GROUP.equals(g.state())) {
      return GroupBacklog.NO_SUCH_GROUP;
    }
    return g.members().isEmpty() ? "no member (" + g.state() + ")"
        : g.members().size() + (g.members().size() == 1 ? " member" : " members") + " (" + g.state() + ")";
  }

  private static String oldest(GroupBacklog.TopicBacklog t, Instant now) {
    if (t.lag() == 0) {
      return "-";
    }
    if (t.oldestWaiting() == null) {
      return "unknown: " + t.oldestUnknown();
    }
    return Ages.of(Duration.between(t.oldestWaiting(), now)) + " (since " + t.oldestWaiting() + ")";
  }


  private static Map<String, Object> asJson(GroupBacklog g, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", g.role().label());
    m.put("group", g.group());
    m.put("state", g.state());
    m.put("members", g.members());
    m.put("topics", g.topics().stream().map(t -> {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("topic", t.topic());
      tm.put("waiting", t.lag());
      tm.put("partitionsBehind", t.partitionsBehind());
      tm.put("neverCommitted", t.uncommitted());
      tm.put("oldestWaiting", t.oldestWaiting() == null ? null : t.oldestWaiting().toString());
      tm.put("oldestWaitingSeconds", t.oldestWaiting() == null ? null
          : Duration.between(t.oldestWaiting(), now).toMillis() / 1000.0);
      tm.put("oldestUnknown", t.oldestUnknown());
      return tm;
    }).toList());
    return m;
  }
}
