package dev.notifier.feedback.dsn;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.NotificationIds;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.dsn.DeliveryStatus;

/**
 * Reads a message from a bounce mailbox into feedback records: an RFC 3464 delivery status
 * notification (one record per failed or delayed recipient, classified by {@link BounceRules}; the
 * {@code message/delivery-status} part parsed by Angus Mail's {@link DeliveryStatus}), an
 * RFC 5965 abuse report (a complaint), or a plain-text bounce (QQ, 163 and MTAs that send no
 * {@code multipart/report}: {@link PlainBounce}). Each record is tied to its notification when the
 * report lets it ({@link Correlation}), and stamped with the report's {@code Date} (else
 * {@code receivedAt}). A message that is none of these gives no feedback, never an exception.
 */
public final class ReportReader {

  private static final Pattern REPLY = Pattern.compile("^\\s*([2-5]\\d\\d)(?:[ -]+([245]\\.\\d{1,3}\\.\\d{1,3}))?");
  private static final Pattern ENHANCED = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
  private static final int MAX_DIAGNOSTIC = 500;
  private static final Pattern WHITESPACE_LINE = Pattern.compile("(?m)^[ \\t]+(?=\\r?$)");

  private final String source;

  /** A reader whose records name {@code source}, e.g. {@code imap:bounces@example.com}. */
  public ReportReader(String source) {
    this.source = source;
  }

  public ReportReading read(MimeMessage message, Instant receivedAt) throws MessagingException, IOException {
    Instant at = message.getSentDate() == null ? receivedAt : message.getSentDate().toInstant();
    String recipients = header(message, "To") + " " + header(message, "Delivered-To") + " "
        + header(message, "X-Original-To");
    if (message.isMimeType("multipart/report") && message.getContent() instanceof Multipart parts) {
      // Angus' handler makes this a MultipartReport; its getReport() looks only at the second part,
      // and Gmail's and Exchange's reports are found by type wherever they are.
      Part status = find(parts, "message/delivery-status");
      if (status != null) {
        return new ReportReading("delivery-status", deliveryStatus(status, original(parts), recipients, at));
      }
      Part arf = find(parts, "message/feedback-report");
      if (arf != null) {
        return new ReportReading("feedback-report", complaint(arf, original(parts), recipients, at));
      }
    }
    return PlainBounce.read(message, this, recipients, at);
  }

  /**
   * The delivery-status part through Angus' {@link DeliveryStatus}, with a narrow repair of two
   * malformed forms first (both corpus samples), which Angus alone reads as no recipient at all:
   *
   * <ul>
   *   <li>a part in base64 or quoted-printable. RFC 3464 wants it 7bit, so Jakarta Mail does not decode
   *       a {@code message/*} part ({@code mail.mime.allowencodedmessages}); it is decoded here. And
   *       {@code DeliveryStatus} reads recipient blocks only while its stream's {@code available()} is
   *       positive, which a decoder's, once buffered by the header reader, is not after the first block:
   *       so it is given the bytes in memory.
   *   <li>a blank line holding spaces or a tab between blocks, which reads as a folded header and merges
   *       the per-message and per-recipient blocks: such lines are made empty.
   * </ul>
   */
  private List<Feedback> deliveryStatus(Part part, InternetHeaders original, String recipients, Instant at)
      throws MessagingException, IOException {
    byte[] bytes;
    String encoding = part instanceof MimeBodyPart mime ? mime.getEncoding() : null;
    boolean encoded = encoding != null && (encoding.equalsIgnoreCase("base64")
        || encoding.equalsIgnoreCase("quoted-printable"));
    try (InputStream in = encoded ? MimeUtility.decode(((MimeBodyPart) part).getRawInputStream(), encoding)
        : part.getInputStream()) {
      bytes = in.readAllBytes();
    }
    String text = WHITESPACE_LINE.matcher(new String(bytes, StandardCharsets.ISO_8859_1)).replaceAll("");
    DeliveryStatus dsn = new DeliveryStatus(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    String envelopeId = value(dsn.getMessageDSN(), "Original-Envelope-Id");
    String id = Correlation.notificationId(original, envelopeId, recipients);
    List<Feedback> out = new ArrayList<>();
    for (int i = 0; i < dsn.getRecipientDSNCount(); i++) {
      InternetHeaders r = dsn.getRecipientDSN(i);
      String address = typed(value(r, "Final-Recipient"));
      if (address == null) {
        address = typed(value(r, "Original-Recipient"));
      }
      String diagnostic = typed(value(r, "Diagnostic-Code"));
      String status = specific(value(r, "Status"), diagnostic);
      String action = value(r, "Action");
      if (address == null || status == null) {
        continue;
      }
      String a = address;
      BounceRules.of(action, status, diagnostic).ifPresent(kind ->
          out.add(feedback(a, kind, id, replyCode(diagnostic), status, diagnostic, at)));
    }
    return out;
  }

  /** An RFC 5965 report is one block of fields (Angus has no handler for it): read as headers. */
  private List<Feedback> complaint(Part part, InternetHeaders original, String recipients, Instant at)
      throws MessagingException, IOException {
    InternetHeaders report;
    try (InputStream in = part.getInputStream()) {
      report = new InternetHeaders(in);
    }
    String type = value(report, "Feedback-Type");
    if (type == null || !type.strip().toLowerCase(Locale.ROOT).equals("abuse")) {
      return List.of();
    }
    String address = typed(value(report, "Original-Rcpt-To"));
    if (address == null && original != null) {
      address = PlainBounce.firstAddress(original.getHeader("To", ","));
    }
    if (address == null) {
      return List.of();
    }
    String agent = value(report, "User-Agent");
    return List.of(feedback(address, FeedbackKind.COMPLAINT, Correlation.notificationId(original, null, recipients),
        null, null, "abuse report" + (agent == null ? "" : " from " + agent), at));
  }

  Feedback feedback(String address, FeedbackKind kind, String id, Integer code, String enhanced, String diagnostic,
      Instant at) {
    String text = diagnostic == null ? null
        : diagnostic.length() > MAX_DIAGNOSTIC ? diagnostic.substring(0, MAX_DIAGNOSTIC) + "…" : diagnostic;
    return Feedback.newBuilder().setAddress(NotificationIds.normalize(address.strip())).setKind(kind)
        .setNotificationId(id).setReplyCode(code).setEnhancedCode(enhanced).setDiagnostic(text)
        .setSource(source).setAt(at).build();
  }

  /** The status, unless it is a generic x.0.0 and the diagnostic names a more specific one of the same class. */
  static String specific(String status, String diagnostic) {
    if (status == null) {
      return null;
    }
    String s = status.strip().split("\\s")[0];
    if (s.endsWith(".0.0") && diagnostic != null) {
      Matcher m = ENHANCED.matcher(diagnostic);
      if (m.find() && m.group(1).charAt(0) == s.charAt(0)) {
        return m.group(1);
      }
    }
    return s;
  }

  static Integer replyCode(String diagnostic) {
    Matcher m = diagnostic == null ? null : REPLY.matcher(diagnostic);
    return m != null && m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  /** "rfc822; bob@example.com" → "bob@example.com"; "smtp; 550 …" → "550 …". */
  static String typed(String value) {
    if (value == null) {
      return null;
    }
    int semi = value.indexOf(';');
    String v = (semi >= 0 ? value.substring(semi + 1) : value).strip();
    if (v.startsWith("<") && v.endsWith(">")) {
      v = v.substring(1, v.length() - 1);
    }
    return v.isEmpty() ? null : v;
  }

  /**
   * A field, unfolded. Header parsing reads bytes as ISO-8859-1; an MTA that writes its diagnostic in
   * UTF-8 (RFC 3464 says ASCII, QQ and 163 do not care) is read back as UTF-8.
   */
  private static String value(InternetHeaders h, String name) {
    String v = h.getHeader(name, null);
    if (v == null) {
      return null;
    }
    String text = new String(v.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    return (text.contains("\uFFFD") ? v : text).replaceAll("\\r?\\n[ \\t]+", " ").strip();
  }

  /** The returned original's headers: a message/rfc822 or text/rfc822-headers part; null if none. */
  static InternetHeaders original(Multipart parts) throws MessagingException, IOException {
    for (int i = 0; i < parts.getCount(); i++) {
      BodyPart p = parts.getBodyPart(i);
      if (p.isMimeType("message/rfc822") || p.isMimeType("text/rfc822-headers")
          || p.isMimeType("message/rfc822-headers")) {
        try (InputStream in = p.getInputStream()) {
          return new InternetHeaders(in);
        }
      }
    }
    return null;
  }

  static Part find(Multipart parts, String type) throws MessagingException {
    for (int i = 0; i < parts.getCount(); i++) {
      if (parts.getBodyPart(i).isMimeType(type)) {
        return parts.getBodyPart(i);
      }
    }
    return null;
  }

  private static String header(MimeMessage m, String name) throws MessagingException {
    String v = m.getHeader(name, ",");
    return v == null ? "" : v;
  }
}
