package dev.notifier.cli.console;

import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.Notification;
import dev.notifier.cli.ops.StatusEntry;
import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.sender.smtp.MessageFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One notification's whole story: every ledger status with its time and the worker that wrote it,
 * the failure facts and the server's reply of each dead letter, and the mail as the dead letter holds
 * it — headers, text, and the HTML in a sandboxed frame (no scripts, no forms; the page's Content-Security-Policy, which the
 * frame inherits, blocks every remote image, font and style).
 */
final class NotificationPage {

  private NotificationPage() {
  }

  static Map<String, Object> model(Views views, String lang, String id, List<StatusEntry> history,
      List<DeadLetterEntry> letters, Function<String, String> fromOfAccount) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pageTitle", id);
    m.put("heading", views.text(lang, "n.heading", id));
    List<Map<String, Object>> timeline = new ArrayList<>();
    for (StatusEntry e : history) {
      DeliveryStatus s = e.status();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("at", String.valueOf(s.getAt()));
      row.put("state", s.getState().name());
      row.put("reason", s.getReason() == null ? "" : s.getReason());
      row.put("attempts", s.getAttempts());
      row.put("account", s.getAccount() == null ? "" : s.getAccount());
      row.put("worker", e.worker() == null ? "" : e.worker());
      row.put("detail", s.getDetail() == null ? "" : s.getDetail());
      timeline.add(row);
    }
    m.put("timeline", timeline);
    List<Map<String, Object>> failures = new ArrayList<>();
    Notification mail = null;
    for (DeadLetterEntry e : letters) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("failedAt", e.failedAt().toString());
      f.put("failureClass", e.failureClass());
      f.put("code", (e.replyCode() + " " + e.enhancedCode()).strip());
      f.put("reply", e.letter().getReplyText() == null ? "" : e.letter().getReplyText());
      f.put("worker", e.letter().getWorkerId() == null ? "" : e.letter().getWorkerId());
      f.put("fix", e.letter().getFix() == null ? "" : e.letter().getFix());
      failures.add(f);
      if (!e.undecoded()) {
        mail = e.notification();
      }
    }
    m.put("failures", failures);
    m.put("id", id);
    m.put("replayable", !letters.isEmpty());
    if (mail != null) {
      Map<String, Object> shown = new LinkedHashMap<>();
      String from = fromOfAccount.apply(mail.getAccount());
      List<Map<String, String>> headers = new ArrayList<>();
      if (from != null) {
        headers.add(Map.of("name", "From", "value", from));
      }
      headers.add(Map.of("name", "To", "value", String.valueOf(mail.getRecipient().getEmail())));
      headers.add(Map.of("name", "Subject", "value", mail.getSubject()));
      if (from != null) {
        headers.add(Map.of("name", "Message-ID", "value", MessageFactory.messageId(mail.getNotificationId(), from)));
      }
      headers.add(Map.of("name", "Account", "value", mail.getAccount()));
      headers.add(Map.of("name", "Priority", "value", String.valueOf(mail.getPriority())));
      if (mail.getExpiresAt() != null) {
        headers.add(Map.of("name", "Expires", "value", mail.getExpiresAt().toString()));
      }
      shown.put("headers", headers);
      shown.put("text", mail.getTextBody());
      if (mail.getHtmlBody() != null) {
        shown.put("html", mail.getHtmlBody());
      }
      m.put("mail", shown);
    }
    return m;
  }
}
