package dev.notifier.feedback.dsn;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounces without a {@code multipart/report}: QQ Mail and NetEase 163 (a Chinese text, "系统退信",
 * with the returned original attached), and old MTAs' "Undelivered Mail Returned to Sender". Read
 * only when the message comes from a mailer daemon or its subject says it is a bounce; the address is
 * the returned original's {@code To} (else the first address in the text that is neither the daemon
 * nor our own return path), the reply is the first SMTP reply in the text. Only a 5xx saying the user
 * is unknown is a hard bounce, and a 4xx a soft one: text alone is not trusted for more.
 */
final class PlainBounce {

  private static final Pattern DAEMON = Pattern.compile("(?i)mailer[-_]?daemon|postmaster");
  private static final Pattern SUBJECT = Pattern.compile("(?i)undeliver|delivery (status|failure|has failed)|"
      + "failure notice|returned mail|mail delivery failed|退信|投递失败|未能送达|发送失败");
  private static final Pattern REPLY = Pattern.compile("(?m)\\b([45][0-5]\\d)[ -]((?:[45]\\.\\d{1,3}\\.\\d{1,3})?)"
      + "[ ]*([^\\r\\n]*)");
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern USER_UNKNOWN = Pattern.compile("(?i)user unknown|unknown user|not found|no such|"
      + "does not exist|doesn't exist|invalid|不存在|无效");

  private PlainBounce() {
  }

  static ReportReading read(MimeMessage m, ReportReader reader, String recipients, Instant at)
      throws MessagingException, IOException {
    String from = m.getHeader("From", ",");
    String subject = m.getSubject();
    if (!(from != null && DAEMON.matcher(from).find()) && !(subject != null && SUBJECT.matcher(subject).find())) {
      return new ReportReading("not-a-report", List.of());
    }
    StringBuilder text = new StringBuilder();
    InternetHeaders original = collect(m.getContent(), text);
    Matcher reply = REPLY.matcher(text);
    String address = original == null ? null : firstAddress(original.getHeader("To", ","));
    if (address == null) {
      address = firstOther(text, from, recipients);
    }
    if (!reply.find() || address == null) {
      return new ReportReading("plain-bounce", List.of());
    }
    int code = Integer.parseInt(reply.group(1));
    String enhanced = reply.group(2).isEmpty() ? null : reply.group(2);
    String diagnostic = (reply.group(1) + " " + (enhanced == null ? "" : enhanced + " ") + reply.group(3)).strip();
    FeedbackKind kind = code >= 500 && (enhanced != null ? BounceRules.of("failed", enhanced, diagnostic)
        .orElse(null) == FeedbackKind.HARD_BOUNCE : USER_UNKNOWN.matcher(diagnostic).find())
        ? FeedbackKind.HARD_BOUNCE : code < 500 ? FeedbackKind.SOFT_BOUNCE : null;
    if (kind == null) {
      return new ReportReading("plain-bounce", List.of());
    }
    String id = Correlation.notificationId(original, null, recipients);
    Feedback f = reader.feedback(address, kind, id, code, enhanced, diagnostic, at);
    return new ReportReading("plain-bounce", List.of(f));
  }

  /** Appends the text parts to {@code text}; returns the returned original's headers, if attached. */
  private static InternetHeaders collect(Object content, StringBuilder text) throws MessagingException, IOException {
    if (content instanceof String s) {
      text.append(s).append('\n');
      return null;
    }
    if (!(content instanceof Multipart parts)) {
      return null;
    }
    InternetHeaders original = ReportReader.original(parts);
    for (int i = 0; i < parts.getCount(); i++) {
      BodyPart p = parts.getBodyPart(i);
      if (p.isMimeType("text/plain")) {
        text.append(p.getContent()).append('\n');
      } else if (p.isMimeType("multipart/*")) {
        InternetHeaders inner = collect(p.getContent(), text);
        original = original != null ? original : inner;
      }
    }
    return original;
  }

  static String firstAddress(String header) {
    Matcher m = header == null ? null : ADDRESS.matcher(header);
    return m != null && m.find() ? m.group() : null;
  }

  private static String firstOther(CharSequence text, String from, String recipients) {
    Matcher m = ADDRESS.matcher(text);
    String fromLower = from == null ? "" : from.toLowerCase(Locale.ROOT);
    String ours = recipients == null ? "" : recipients.toLowerCase(Locale.ROOT);
    while (m.find()) {
      String a = m.group().toLowerCase(Locale.ROOT);
      if (!DAEMON.matcher(a).find() && !fromLower.contains(a) && !ours.contains(a)) {
        return m.group();
      }
    }
    return null;
  }
}
