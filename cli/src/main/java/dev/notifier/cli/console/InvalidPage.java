package dev.notifier.cli.console;

import dev.notifier.cli.ops.TextTable;
import dev.notifier.cli.ops.invalid.InvalidEvent;
import dev.notifier.cli.ops.invalid.Newest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The invalid-events pages: the newest events the topology could not read, with a facet of their errors, and one
 * event whole — its value as text (escaped by the template, so an event's markup shows as text) or as a hex dump.
 */
final class InvalidPage {

  /** Rows the list shows, newest first. */
  static final int ROWS = 50;
  /** Bytes of a value one event's page shows. */
  static final int MAX_VALUE_BYTES = 64 * 1024;

  private InvalidPage() {
  }

  /**
   * The list, from one pass over the topic ({@code scan}): every event counted by error, the newest {@value #ROWS}
   * of {@code error} (null: any) kept and listed.
   */
  static Map<String, Object> list(Views views, String lang, Consumer<Consumer<InvalidEvent>> scan, String error) {
    Map<String, Integer> counts = new TreeMap<>();
    Newest newest = new Newest(ROWS);
    scan.accept(e -> {
      counts.merge(e.error(), 1, Integer::sum);
      if (error == null || e.error().equals(error)) {
        newest.offer(e);
      }
    });
    List<Map<String, Object>> errors = new ArrayList<>();
    counts.forEach((value, count) -> errors.add(Map.of("value", value, "count", count,
        "href", "/invalid?error=" + Params.encode(value))));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (InvalidEvent e : newest.newestFirst()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("at", e.position());
      r.put("published", e.publishedAt().toString());
      r.put("key", String.valueOf(e.key()));
      r.put("error", e.error());
      r.put("detail", e.message() == null ? "" : TextTable.cut(e.message(), 120));
      r.put("bytes", e.value().length);
      r.put("preview", e.preview(60));
      rows.add(r);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "inv.heading"));
    m.put("matched", views.text(lang, "inv.count", newest.offered(), rows.size()));
    m.put("errors", errors);
    m.put("filtered", error != null);
    m.put("error", error == null ? "" : error);
    m.put("empty", rows.isEmpty());
    m.put("rows", rows);
    return m;
  }

  /** One event whole. */
  static Map<String, Object> event(Views views, String lang, InvalidEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", views.text(lang, "inv.event", e.position()));
    m.put("heading", views.text(lang, "inv.event", e.position()));
    m.put("at", e.position());
    m.put("key", String.valueOf(e.key()));
    m.put("published", e.publishedAt().toString());
    m.put("error", e.error());
    m.put("detail", e.message() == null ? "" : e.message());
    m.put("republished", e.republished());
    List<Map<String, String>> headers = new ArrayList<>();
    e.headers().forEach(h -> headers.add(Map.of("name", h.key(),
        "value", h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8))));
    m.put("hasHeaders", !headers.isEmpty());
    m.put("headers", headers);
    int shown = Math.min(e.value().length, MAX_VALUE_BYTES);
    String cut = shown < e.value().length ? views.text(lang, "inv.cut", shown) : "";
    if (e.text() != null) {
      m.put("valueHeading", views.text(lang, "inv.text", e.value().length) + cut);
      m.put("lines", new String(e.value(), 0, shown, StandardCharsets.UTF_8).lines().toList());
    } else {
      m.put("valueHeading", views.text(lang, "inv.binary", e.value().length) + cut);
      m.put("lines", e.hexDump(shown));
    }
    return m;
  }
}
