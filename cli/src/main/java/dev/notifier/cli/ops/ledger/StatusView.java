package dev.notifier.cli.ops.ledger;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.TerminalText;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.cli.ops.dlt.DltFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes ledger answers as tables for a person, or JSON for a script. */
final class StatusView {

  private StatusView() {
  }

  static Map<String, Object> json(StatusEntry e) {
    DeliveryStatus s = e.status();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("notificationId", s.getNotificationId());
    json.put("eventId", s.getEventId());
    json.put("eventType", s.getEventType());
    json.put("recipient", e.recipient());
    json.put("state", s.getState().name());
    json.put("reason", s.getReason());
    json.put("detail", s.getDetail());
    json.put("account", s.getAccount());
    json.put("attempts", s.getAttempts());
    json.put("at", s.getAt().toString());
    if (s.getDigestId() != null) {
      json.put("digestId", s.getDigestId());
    }
    if (s.getReleaseAt() != null) {
      json.put("releaseAt", s.getReleaseAt().toString());
    }
    json.put("ledger", e.position());
    return json;
  }

  static void history(String id, List<StatusEntry> history, List<DeadLetterEntry> letters, PrintWriter out) {
    DeliveryStatus latest = history.get(history.size() - 1).status();
    out.println(TerminalText.clean("notification " + id + " — event " + latest.getEventId() + " ("
        + latest.getEventType() + ") to " + history.get(history.size() - 1).recipient()
        + (latest.getAccount() == null ? "" : " via " + latest.getAccount())));
    out.println(TerminalText.clean("now: " + latest.getState() + (latest.getReason() == null ? ""
        : " (" + latest.getReason() + ")") + (latest.getDetail() == null ? "" : " — " + latest.getDetail())));
    out.println();
    out.println("history in notifier.status, oldest first (the log cleaner keeps only the latest once it compacts):");
    TextTable table = new TextTable(List.of("at", "state", "reason", "attempts", "account", "ledger", "detail"));
    for (StatusEntry e : history) {
      DeliveryStatus s = e.status();
      table.row(List.of(s.getAt().toString(), s.getState().name(), nz(s.getReason()), String.valueOf(s.getAttempts()),
          nz(s.getAccount()), e.position(), nz(s.getDetail())));
    }
    table.print(out);
    out.println();
    if (letters.isEmpty()) {
      out.println("dead letters in notifier.send.dlt: none");
    } else {
      out.println("dead letters in notifier.send.dlt:");
      for (DeadLetterEntry d : letters) {
        out.println("  " + TerminalText.clean(d.position() + " failed " + d.failedAt() + " after "
            + d.letter().getAttempts() + " attempt(s): " + d.failureClass() + " " + nz(d.letter().getKind()) + " — "
            + (d.replyCode() + " " + d.enhancedCode() + " " + nz(d.letter().getReplyText())).strip()));
        out.println("    fix: " + TerminalText.clean(nz(d.letter().getFix())));
      }
    }
    out.flush();
  }

  static Map<String, Object> historyJson(String id, List<StatusEntry> history, List<DeadLetterEntry> letters) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("notificationId", id);
    json.put("latest", json(history.get(history.size() - 1)));
    json.put("history", history.stream().map(StatusView::json).toList());
    json.put("deadLetters", letters.stream().map(DltFormat::json).toList());
    return json;
  }

  static void event(String eventId, List<StatusEntry> latest, PrintWriter out) {
    Map<String, Integer> byState = new TreeMap<>();
    latest.forEach(e -> byState.merge(e.status().getState().name(), 1, Integer::sum));
    List<String> counts = new ArrayList<>();
    byState.forEach((state, n) -> counts.add(state + " " + n));
    out.println(TerminalText.clean("event " + eventId + " (" + latest.get(0).status().getEventType() + "): "
        + latest.size() + " notification(s) — " + String.join(", ", counts)));
    TextTable table = new TextTable(List.of("recipient", "state", "reason", "attempts", "account", "at",
        "notificationId", "detail"));
    for (StatusEntry e : latest) {
      DeliveryStatus s = e.status();
      table.row(List.of(e.recipient(), s.getState().name(), nz(s.getReason()), String.valueOf(s.getAttempts()),
          nz(s.getAccount()), s.getAt().toString(), s.getNotificationId(), TextTable.cut(nz(s.getDetail()), 100)));
    }
    table.print(out);
  }

  static void recipient(String address, List<StatusEntry> latest, int total, PrintWriter out) {
    out.println("notifications to " + TerminalText.clean(address) + ", newest first (" + latest.size() + " of " + total + "):");
    TextTable table = new TextTable(List.of("at", "state", "reason", "eventType", "eventId", "notificationId",
        "detail"));
    for (StatusEntry e : latest) {
      DeliveryStatus s = e.status();
      table.row(List.of(s.getAt().toString(), s.getState().name(), nz(s.getReason()), s.getEventType(),
          s.getEventId(), s.getNotificationId(), TextTable.cut(nz(s.getDetail()), 80)));
    }
    table.print(out);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
