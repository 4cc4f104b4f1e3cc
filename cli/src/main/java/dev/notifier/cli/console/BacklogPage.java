package dev.notifier.cli.console;

import dev.notifier.cli.ops.backlog.Ages;
import dev.notifier.cli.ops.backlog.GroupBacklog;
import dev.notifier.cli.ops.backlog.Partitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backlog page: is the notifier keeping up, and who does what — the streams app's and the workers' consumer
 * groups as {@code notifier backlog} reads them ({@link dev.notifier.cli.ops.backlog.BacklogReader}).
 */
final class BacklogPage {

  private BacklogPage() {
  }

  static Map<String, Object> model(Views views, String lang, List<GroupBacklog> groups, Set<String> byDesign,
      Instant now) {
    List<Map<String, Object>> sections = new ArrayList<>();
    for (GroupBacklog g : groups) {
      Map<String, Object> s = new LinkedHashMap<>();
      boolean streams = g.role() == GroupBacklog.Role.STREAMS_APP;
      s.put("id", streams ? "streams" : "workers");
      s.put("title", views.text(lang, streams ? "backlog.streams" : "backlog.workers", g.group()));
      s.put("state", GroupBacklog.NO_SUCH_GROUP.equals(g.state()) ? views.text(lang, "backlog.noSuchGroup")
          : views.text(lang, "backlog.members", g.members().size(), g.state()));
      s.put("members", g.members().stream().map(m -> Map.of("clientId", m.clientId(), "host", m.host(),
          "partitions", String.join("; ", Partitions.compact(m.partitions())))).toList());
      s.put("hasMembers", !g.members().isEmpty());
      List<Map<String, Object>> topics = new ArrayList<>();
      for (GroupBacklog.TopicBacklog t : g.topics()) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("topic", t.topic());
        r.put("waiting", views.text(lang, "backlog.count", t.lag()));
        r.put("behind", t.partitionsBehind() + (t.uncommitted() > 0
            ? " " + views.text(lang, "backlog.neverCommitted", t.uncommitted()) : ""));
        r.put("oldest", oldest(views, lang, t, now) + (byDesign.contains(t.topic()) && t.lag() > 0
            ? " " + views.text(lang, "backlog.byDesign") : ""));
        topics.add(r);
      }
      s.put("topics", topics);
      s.put("hasTopics", !topics.isEmpty());
      s.put("known", !GroupBacklog.NO_SUCH_GROUP.equals(g.state()));
      sections.add(s);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "backlog.heading"));
    m.put("groups", sections);
    m.put("at", now.toString());
    return m;
  }

  private static String oldest(Views views, String lang, GroupBacklog.TopicBacklog t, Instant now) {
    if (t.lag() == 0) {
      return "-";
    }
    if (t.oldestWaiting() == null) {
      return views.text(lang, "backlog.unknown", t.oldestUnknown());
    }
    return views.text(lang, "backlog.oldest", Ages.of(Duration.between(t.oldestWaiting(), now)),
        t.oldestWaiting().toString());
  }
}
