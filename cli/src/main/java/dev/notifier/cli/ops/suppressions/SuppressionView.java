package dev.notifier.cli.ops.suppressions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.TerminalText;
import dev.notifier.cli.ops.TextTable;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How a suppression reads for a person: a table row, one sentence, or a JSON object. */
public final class SuppressionView {

  static final List<String> COLUMNS = List.of("address", "reason", "categories", "firstSeen", "lastSeen", "count",
      "expires", "source", "detail");

  private SuppressionView() {
  }

  static List<String> row(Suppression s) {
    return List.of(s.getAddress(), reason(s), s.getCategories().isEmpty() ? "all" : String.join(" ", s.getCategories()),
        s.getFirstSeen().toString(), s.getLastSeen().toString(), String.valueOf(s.getCount()),
        s.getExpiresAt() == null ? "never" : s.getExpiresAt().toString(), s.getSource(),
        s.getDetail() == null ? "" : s.getDetail());
  }

  static void table(List<Suppression> list, PrintWriter out) {
    TextTable table = new TextTable(COLUMNS);
    list.forEach(s -> {
      List<String> cells = new java.util.ArrayList<>(row(s));
      cells.set(8, TextTable.cut(cells.get(8), 80));
      table.row(cells);
    });
    table.print(out);
  }

  /** "suppressed (hard-bounce, all mail) since …, 2 time(s), from smtp:default, until …: detail". */
  /**
   * One sentence for a terminal ({@code suppressions show}, {@code suppressions add},
   * {@code status --to}). Its detail quotes a mail server's reply, a DSN or a provider's webhook, so
   * it goes through {@link TerminalText}: no escape sequence of theirs reaches the operator's terminal.
   */
  public static String sentence(Suppression s, Instant now) {
    return TerminalText.clean(rawSentence(s, now));
  }

  private static String rawSentence(Suppression s, Instant now) {
    String state = s.getExpiresAt() != null && !s.getExpiresAt().isAfter(now) ? "was suppressed (expired)"
        : "suppressed";
    return state + " (" + reason(s) + ", " + (s.getCategories().isEmpty() ? "all mail"
        : "only " + String.join(", ", s.getCategories())) + ") since " + s.getFirstSeen() + ", last " + s.getLastSeen()
        + ", " + s.getCount() + " time(s), from " + s.getSource()
        + (s.getExpiresAt() == null ? ", until removed" : ", until " + s.getExpiresAt())
        + (s.getDetail() == null ? "" : ": " + s.getDetail());
  }

  static Map<String, Object> json(Suppression s) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> row = row(s);
    for (int i = 0; i < COLUMNS.size(); i++) {
      m.put(COLUMNS.get(i), row.get(i));
    }
    m.put("categories", s.getCategories());
    m.put("count", s.getCount());
    m.put("expires", s.getExpiresAt() == null ? null : s.getExpiresAt().toString());
    m.put("notificationId", s.getNotificationId());
    return m;
  }

  /** One audit record of a change by hand, as {@code suppressions show} prints it, safe for a terminal. */
  static String auditLine(JsonNode h) {
    return TerminalText.clean(h.path("at").asText() + "  " + h.path("action").asText() + " by "
        + h.path("principal").asText() + " (OS user " + h.path("osUser").asText() + "): " + h.path("reason").asText());
  }

  static String reason(Suppression s) {
    return s.getReason().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
