package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.Csv;
import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TextTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How dead letters are written: a table to read on a terminal (long texts cut), JSON Lines (one
 * object per dead letter, every fact, for jq and scripts) or CSV (the same columns, nothing cut,
 * for a spreadsheet).
 */
public enum DltFormat {
  TABLE, JSONL, CSV;

  /** The columns of the table and the CSV, in order, and the JSON field names. */
  private static final Map<String, Function<DeadLetterEntry, String>> COLUMNS = columns();

  public static DltFormat parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new OpsException("--format '" + name + "' is unknown: use "
          + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
  }

  public void write(List<DeadLetterEntry> entries, PrintWriter out) {
    switch (this) {
      case TABLE -> table(entries, out);
      case JSONL -> entries.forEach(e -> out.println(Json.line(json(e))));
      default -> {
        out.println(Csv.line(new ArrayList<>(COLUMNS.keySet())));
        entries.forEach(e -> out.println(Csv.line(COLUMNS.values().stream().map(f -> f.apply(e)).toList())));
      }
    }
    out.flush();
  }

  private static void table(List<DeadLetterEntry> entries, PrintWriter out) {
    TextTable table = new TextTable(List.of("failedAt", "dlt", "notificationId", "account", "class", "code",
        "enhanced", "recipient", "eventType", "eventId", "attempts", "reply"));
    for (DeadLetterEntry e : entries) {
      table.row(List.of(e.failedAt().toString(), e.position(), e.notificationId(), e.account(), e.failureClass(),
          e.replyCode(), e.enhancedCode(), e.recipient(), e.eventType(), e.eventId(),
          String.valueOf(e.letter().getAttempts()), TextTable.cut(reply(e), 60)));
    }
    table.print(out);
  }

  /** Every fact of one dead letter, as a JSON object. */
  public static Map<String, Object> json(DeadLetterEntry e) {
    Map<String, Object> json = new LinkedHashMap<>();
    COLUMNS.forEach((name, f) -> json.put(name, f.apply(e)));
    json.put("dltPartition", e.partition());
    json.put("dltOffset", e.offset());
    json.put("attempts", e.letter().getAttempts());
    json.put("subject", e.undecoded() ? "" : e.notification().getSubject());
    json.put("headers", e.headers());
    return json;
  }

  private static String reply(DeadLetterEntry e) {
    return e.letter().getReplyText() != null ? e.letter().getReplyText()
        : e.letter().getFix() == null ? "" : e.letter().getFix();
  }

  private static Map<String, Function<DeadLetterEntry, String>> columns() {
    Map<String, Function<DeadLetterEntry, String>> c = new LinkedHashMap<>();
    c.put("failedAt", e -> e.failedAt().toString());
    c.put("firstFailedAt", e -> e.letter().getFirstFailureAt().toString());
    c.put("dlt", DeadLetterEntry::position);
    c.put("notificationId", DeadLetterEntry::notificationId);
    c.put("account", DeadLetterEntry::account);
    c.put("class", DeadLetterEntry::failureClass);
    c.put("kind", e -> nz(e.letter().getKind()));
    c.put("code", DeadLetterEntry::replyCode);
    c.put("enhancedCode", DeadLetterEntry::enhancedCode);
    c.put("recipient", DeadLetterEntry::recipient);
    c.put("domain", DeadLetterEntry::domain);
    c.put("eventType", DeadLetterEntry::eventType);
    c.put("eventId", DeadLetterEntry::eventId);
    c.put("attempts", e -> String.valueOf(e.letter().getAttempts()));
    c.put("replyText", e -> nz(e.letter().getReplyText()));
    c.put("fix", e -> nz(e.letter().getFix()));
    c.put("worker", e -> nz(e.letter().getWorkerId()));
    return c;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
