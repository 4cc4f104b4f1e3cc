package dev.notifier.streams.render;

import dev.notifier.avro.Subject;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.policy.ClosedDigest;
import dev.notifier.streams.render.RenderContext.LocaleResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The context a digest template renders against (documented on {@link TemplateRenderer}): totals,
 * the items grouped by subject entity ("3 changes on Bug #42, 2 on Task #7"), and the first and
 * last {@value #SHOWN} items in full — all of them when there are at most twice as many.
 */
final class DigestContext {

  /** Items shown from each end of a long digest. */
  static final int SHOWN = 5;
  /** Groups named in the one-line summary (the subject line). */
  static final int SUMMARY_GROUPS = 3;

  private DigestContext() {
  }

  static Map<String, Object> of(ClosedDigest digest, LocaleResources res) {
    Candidate latest = digest.latest();
    Map<String, Object> ctx = RenderContext.of(latest, res);
    List<Map<String, Object>> items = new ArrayList<>();
    digest.items().forEach(item -> items.add(RenderContext.of(item, res)));
    int omitted = Math.max(0, items.size() - 2 * SHOWN);
    ctx.put("total", items.size());
    ctx.put("capped", "capped".equals(digest.reason()));
    ctx.put("first", omitted == 0 ? items : items.subList(0, SHOWN));
    ctx.put("omitted", omitted == 0 ? null : omitted);
    ctx.put("last", omitted == 0 ? List.of() : items.subList(items.size() - SHOWN, items.size()));
    List<Map<String, Object>> groups = groups(digest.items(), res);
    ctx.put("groups", groups);
    ctx.put("summary", summary(groups, res));
    ctx.put("openedAt", res.dateFormat().format(digest.openedAt().atZone(digest.zone())));
    ctx.put("closedAt", res.dateFormat().format(digest.closedAt().atZone(digest.zone())));
    return ctx;
  }

  /** One group per subject entity, the largest first, ties in order of first appearance. */
  private static List<Map<String, Object>> groups(List<Candidate> items, LocaleResources res) {
    Map<String, Map<String, Object>> byEntity = new LinkedHashMap<>();
    for (Candidate item : items) {
      Subject s = item.getEvent().getSubject();
      Map<String, Object> g = byEntity.computeIfAbsent(s.getKind() + "\n" + s.getId(), k -> RenderContext.map(
          "kindName", res.text("kind." + s.getKind(), s.getKind()), "id", s.getId(), "title", s.getTitle(),
          "url", RenderContext.safeUrl(s.getUrl()), "count", 0));
      g.put("count", (Integer) g.get("count") + 1);
    }
    List<Map<String, Object>> groups = new ArrayList<>(byEntity.values());
    groups.sort((a, b) -> Integer.compare((Integer) b.get("count"), (Integer) a.get("count")));
    for (Map<String, Object> g : groups) {
      int count = (Integer) g.get("count");
      g.put("text", res.text(count == 1 ? "digest.group.one" : "digest.group.other", "{count} × {kind} #{id}")
          .replace("{count}", String.valueOf(count)).replace("{kind}", (String) g.get("kindName"))
          .replace("{id}", (String) g.get("id")));
    }
    return groups;
  }

  private static String summary(List<Map<String, Object>> groups, LocaleResources res) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(SUMMARY_GROUPS, groups.size()); i++) {
      sb.append(i == 0 ? "" : res.text("digest.separator", ", ")).append(groups.get(i).get("text"));
    }
    return groups.size() > SUMMARY_GROUPS ? sb + res.text("digest.more", " …") : sb.toString();
  }
}
