package dev.notifier.sender.smtp;

import dev.notifier.avro.Notification;
import dev.notifier.schemas.SendGridArgs;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * Builds the MIME message for a notification. The {@code Message-ID} is derived from the
 * notification id, so a resend after a crash carries the same id and receivers can recognise it.
 *
 * <p>The From is the account's own {@code from}, display name included; nothing in the record can
 * change it. Every value a header is written from — From, To and its name, Subject, Message-ID —
 * is refused if it holds CR or LF, which would let it start a header of its own.
 *
 * <p>The id is also in {@value #NOTIFICATION_ID_HEADER}, which bounce reports quote back with the
 * original headers, so a bounce is tied to its notification. Where the account sets a
 * {@code returnPath}, the message also carries its VERP envelope sender ({@code bounces+<id>@domain},
 * {@link SMTPMessage#setEnvelopeFrom}), which both transports send as MAIL FROM: a bounce is then
 * addressed to the notification even when the report returns none of the original's headers.
 * Mail relayed through SendGrid carries the id as a unique argument too ({@link SendGridArgs}), since
 * SendGrid's event webhook quotes no header of the original. With an {@code unsubscribe} section,
 * mail that is not critical carries one-click unsubscribe headers ({@link UnsubscribeLinks}).
 */
public final class MessageFactory {

  /** The header carrying the notification id, for correlating bounces and complaints. */
  public static final String NOTIFICATION_ID_HEADER = "X-Notifier-Notification-Id";

  private MessageFactory() {
  }

  /** The Message-ID for a notification sent from {@code from}. */
  public static String messageId(String notificationId, String from) {
    String address = from;
    try {
      address = new InternetAddress(from, false).getAddress();
    } catch (jakarta.mail.internet.AddressException e) {
      // an unparseable from address is refused when the message is built; use it as it is here
    }
    int at = address.lastIndexOf('@');
    String domain = at >= 0 && at < address.length() - 1 ? address.substring(at + 1) : "notifier.local";
    return "<" + notificationId + "@" + domain + ">";
  }

  /** The message for {@code n} from {@code from}, with {@code from} as envelope sender too. */
  public static MimeMessage build(Session session, Notification n, String from) throws DeliveryException {
    return build(session, n, from, null);
  }

  /**
   * The message for {@code n} from {@code from}; {@code envelopeFrom} is the address sent as MAIL FROM
   * (the return path bounces go to), null for {@code from}.
   */
  public static MimeMessage build(Session session, Notification n, String from, String envelopeFrom)
      throws DeliveryException {
    return build(session, n, from, envelopeFrom, false);
  }

  /**
   * The message for {@code n} from {@code from} with MAIL FROM {@code envelopeFrom} (null: {@code from});
   * {@code sendGridArgs}: the account relays through SendGrid, so the id also goes in the
   * {@value SendGridArgs#HEADER} header, for SendGrid's events to quote back.
   */
  public static MimeMessage build(Session session, Notification n, String from, String envelopeFrom,
      boolean sendGridArgs) throws DeliveryException {
    return build(session, n, from, envelopeFrom, sendGridArgs, null);
  }

  /**
   * As {@link #build(Session, Notification, String, String, boolean)}, with one-click unsubscribe
   * headers from {@code unsubscribe} (null: none) on mail that is not critical.
   */
  public static MimeMessage build(Session session, Notification n, String from, String envelopeFrom,
      boolean sendGridArgs, UnsubscribeLinks unsubscribe) throws DeliveryException {
    try {
      rejectLineBreaks("subject", n.getSubject());
      rejectLineBreaks("recipient", n.getRecipient().getEmail());
      rejectLineBreaks("recipient name", n.getRecipient().getName());
      rejectLineBreaks("from", from);
      rejectLineBreaks("return path", envelopeFrom);
      String id = messageId(n.getNotificationId(), from);
      rejectLineBreaks("Message-ID", id);
      FixedIdMessage message = new FixedIdMessage(session, id);
      message.setFrom(new InternetAddress(from, true));
      if (envelopeFrom != null) {
        message.setEnvelopeFrom(new InternetAddress(envelopeFrom, true).getAddress());
      }
      message.setRecipient(MimeMessage.RecipientType.TO, recipient(n));
      message.setSubject(n.getSubject(), StandardCharsets.UTF_8.name());
      message.setSentDate(Date.from(n.getCreatedAt()));
      message.setHeader(NOTIFICATION_ID_HEADER, n.getNotificationId());
      if (sendGridArgs) {
        message.setHeader(SendGridArgs.HEADER, SendGridArgs.header(n.getNotificationId()));
      }
      if (unsubscribe != null) {
        java.util.Optional<String> link = unsubscribe.header(n);
        if (link.isPresent()) {
          rejectLineBreaks(UnsubscribeLinks.LIST_UNSUBSCRIBE, link.get());
          message.setHeader(UnsubscribeLinks.LIST_UNSUBSCRIBE, link.get());
          message.setHeader(UnsubscribeLinks.LIST_UNSUBSCRIBE_POST, UnsubscribeLinks.ONE_CLICK);
        }
      }
      if (n.getHtmlBody() == null) {
        message.setEncodedContent(encoded(n.getTextBody(), "plain"));
      } else {
        message.setContent(alternative(n));
      }
      message.saveChanges();
      return message;
    } catch (MessagingException | IOException | IllegalArgumentException e) {
      throw new DeliveryException("message", null, "cannot build the message: " + e.getMessage(), e);
    }
  }

  private static InternetAddress recipient(Notification n) throws java.io.UnsupportedEncodingException,
      MessagingException {
    InternetAddress address = new InternetAddress(n.getRecipient().getEmail(), true);
    if (n.getRecipient().getName() != null) {
      address.setPersonal(n.getRecipient().getName(), StandardCharsets.UTF_8.name());
    }
    return address;
  }

  private static MimeMultipart alternative(Notification n) throws MessagingException {
    MimeMultipart multipart = new MimeMultipart("alternative");
    Encoded text = encoded(n.getTextBody(), "plain");
    Encoded html = encoded(n.getHtmlBody(), "html");
    multipart.addBodyPart(new EncodedPart(text.headers(), text.bytes()));
    multipart.addBodyPart(new EncodedPart(html.headers(), html.bytes()));
    return multipart;
  }

  /** A text body in UTF-8, already in its transfer encoding, with its Content-Type and Content-Transfer-Encoding. */
  private record Encoded(InternetHeaders headers, byte[] bytes) {
  }

  /**
   * Encodes a text body once, into bytes, with the transfer encoding Jakarta Mail would choose for
   * it (7bit, quoted-printable or base64). A part built from bytes already encoded is written to
   * the connection in bulk; a part built with {@code setText} is encoded while it is written, byte
   * by byte through the SMTP data stream, which cost more than half of a send's CPU.
   */
  private static Encoded encoded(String body, String subtype) throws MessagingException {
    String type = "text/" + subtype + "; charset=UTF-8";
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    String encoding = MimeUtility.getEncoding(new ByteArrayDataSource(raw, type));
    Bytes out = new Bytes(raw.length + raw.length / 2 + 64);
    try {
      OutputStream encoder = MimeUtility.encode(out, encoding);
      encoder.write(raw);
      encoder.flush();
    } catch (IOException e) {
      throw new MessagingException("cannot encode the " + subtype + " body as " + encoding, e);
    }
    InternetHeaders headers = new InternetHeaders();
    headers.setHeader("Content-Type", type);
    headers.setHeader("Content-Transfer-Encoding", encoding);
    return new Encoded(headers, out.toByteArray());
  }

  /**
   * A growing byte array. The encoders write to it one byte at a time; unlike
   * {@link java.io.ByteArrayOutputStream} it takes no lock per byte.
   */
  private static final class Bytes extends OutputStream {
    private byte[] buf;
    private int count;

    Bytes(int capacity) {
      buf = new byte[capacity];
    }

    @Override
    public void write(int b) {
      if (count == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (count + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }
  }

  private static void rejectLineBreaks(String what, String value) {
    if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
      throw new IllegalArgumentException(what + " contains CR or LF, which could inject headers; refused before sending");
    }
  }

  /** A message whose Message-ID is fixed instead of generated at {@code saveChanges()}. */
  private static final class FixedIdMessage extends SMTPMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }

    /** A single-part body from bytes already encoded (see {@link MessageFactory#encoded}). */
    void setEncodedContent(Encoded body) throws MessagingException {
      setHeader("Content-Type", body.headers().getHeader("Content-Type", null));
      setHeader("Content-Transfer-Encoding", body.headers().getHeader("Content-Transfer-Encoding", null));
      content = body.bytes();
    }
  }
}
