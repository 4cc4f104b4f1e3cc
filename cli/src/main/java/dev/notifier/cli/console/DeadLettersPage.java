package dev.notifier.cli.console;

import dev.notifier.cli.ops.TimeArgs;
import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.cli.ops.dlt.DltFilter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dead-letter page's model: the filter form, facets with counts, the chart, one page of rows, the replay form. */
final class DeadLettersPage {

  /** The filter's fields, as the form names them and the page shows them. */
  static final List<String> FIELDS = List.of("class", "account", "code", "domain", "eventType", "template",
      "attempts", "since", "until");

  /** What a replay form carries: the filter's fields, and the id of a single notification's replay. */
  static final List<String> REPLAY_FIELDS = java.util.stream.Stream.concat(FIELDS.stream(), java.util.stream.Stream.of(
      "id")).toList();

  private DeadLettersPage() {
  }

  static DeadLetterSearch.Criteria criteria(Params p, Instant now) {
    DltFilter filter = new DltFilter(p.set("account"), p.set("class"), p.set("code"), p.set("eventType"), Set.of(),
        p.set("domain"), p.set("id"), p.set("event"), p.set("template"), p.set("attempts"),
        TimeArgs.instant("since", p.get("since"), now), TimeArgs.instant("until", p.get("until"), now));
    String sort = p.get("sort") != null && DeadLetterSearch.SORTS.contains(p.get("sort")) ? p.get("sort") : "failedAt";
    boolean ascending = p.get("dir") == null ? !sort.equals("failedAt") : p.get("dir").equals("asc");
    return new DeadLetterSearch.Criteria(filter, Math.max(0, p.integer("page", 1) - 1), sort, ascending);
  }

  static Map<String, Object> model(Views views, String lang, Params p, DeadLetterSearch.Page page) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "dl.heading"));
    List<Map<String, String>> fields = new ArrayList<>();
    List<Map<String, String>> hidden = new ArrayList<>();
    for (String f : FIELDS) {
      String value = p.get(f) == null ? "" : p.get(f);
      String label = f.equals("since") ? views.text(lang, "dl.since") : f.equals("until") ? views.text(lang, "dl.until")
          : views.text(lang, "facet." + f);
      fields.add(Map.of("name", f, "label", label, "value", value));
      if (!value.isEmpty()) {
        hidden.add(Map.of("name", f, "value", value));
      }
    }
    m.put("fields", fields);
    m.put("hidden", hidden);
    m.put("matched", views.text(lang, "dl.matched", page.matched()));
    if (page.unreadable() > 0) {
      m.put("unreadable", views.text(lang, "dl.unreadable", page.unreadable()));
    }
    List<Map<String, Object>> facets = new ArrayList<>();
    page.facets().forEach((name, counts) -> {
      List<Map<String, Object>> values = new ArrayList<>();
      // the filter's code matches the reply code or the enhanced one: an enhanced code's link sets it
      String field = name.equals("enhanced") ? "code" : name;
      counts.forEach((value, count) -> values.add(Map.of("value", value, "count", count,
          "href", link(p, field, value, 1))));
      facets.add(Map.of("name", name, "label", views.text(lang, "facet." + name), "values", values));
    });
    m.put("facets", facets);
    m.put("chart", Chart.perHour(page.perHour()));
    m.put("empty", page.rows().isEmpty());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (DeadLetterEntry e : page.rows()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", Params.encode(e.notificationId()));
      r.put("failedAt", e.failedAt().toString());
      r.put("failureClass", e.failureClass());
      r.put("code", (e.replyCode() + " " + e.enhancedCode()).strip());
      r.put("recipient", e.recipient());
      r.put("eventType", e.eventType());
      r.put("template", e.template());
      r.put("attempts", e.letter().getAttempts());
      r.put("reply", e.letter().getReplyText() == null ? "" : e.letter().getReplyText());
      rows.add(r);
    }
    m.put("rows", rows);
    m.put("pageText", views.text(lang, "dl.page", page.page() + 1, page.pages()));
    Map<String, String> sortLinks = new LinkedHashMap<>();
    for (String column : DeadLetterSearch.SORTS) {
      boolean current = column.equals(p.get("sort") == null ? "failedAt" : p.get("sort"));
      boolean ascendingNow = p.get("dir") == null ? !column.equals("failedAt") : p.get("dir").equals("asc");
      String dir = current ? (ascendingNow ? "desc" : "asc") : (column.equals("failedAt") ? "desc" : "asc");
      sortLinks.put(column, link(p, "sort", column, 1) + "&dir=" + dir);
    }
    m.put("sort", sortLinks);
    if (page.page() > 0) {
      m.put("prev", link(p, "page", String.valueOf(page.page()), 0));
    }
    if (page.page() + 1 < page.pages()) {
      m.put("next", link(p, "page", String.valueOf(page.page() + 2), 0));
    }
    return m;
  }

  /** This page's URL with {@code name} set to {@code value} (and, for a facet, back to page 1). */
  private static String link(Params p, String name, String value, int resetPage) {
    StringBuilder q = new StringBuilder("/dead-letters?");
    for (String f : FIELDS) {
      String v = f.equals(name) ? value : p.get(f);
      if (v != null) {
        q.append(Params.encode(f)).append('=').append(Params.encode(v)).append('&');
      }
    }
    if (name.equals("sort")) {
      q.append("sort=").append(Params.encode(value));
      return q.toString();
    }
    if (p.get("sort") != null) {
      q.append("sort=").append(Params.encode(p.get("sort"))).append('&');
    }
    if (p.get("dir") != null) {
      q.append("dir=").append(Params.encode(p.get("dir"))).append('&');
    }
    if (name.equals("page")) {
      q.append("page=").append(Params.encode(value));
    } else if (resetPage == 0 && p.get("page") != null) {
      q.append("page=").append(Params.encode(p.get("page")));
    }
    String s = q.toString();
    return s.endsWith("&") || s.endsWith("?") ? s.substring(0, s.length() - 1) : s;
  }
}
