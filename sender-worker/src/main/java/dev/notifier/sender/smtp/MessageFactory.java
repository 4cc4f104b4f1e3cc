package dev.notifier.sender.smtp;

import dev.notifier.avro.Notification;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Builds the MIME message for a notification. The {@code Message-ID} is derived from the
 * notification id, so a resend after a crash carries the same id and receivers can recognise it.
 */
public final class MessageFactory {

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

  public static MimeMessage build(Session session, Notification n, String from) throws DeliveryException {
    try {
      rejectLineBreaks("subject", n.getSubject());
      rejectLineBreaks("recipient", n.getRecipient().getEmail());
      rejectLineBreaks("recipient name", n.getRecipient().getName());
      MimeMessage message = new FixedIdMessage(session, messageId(n.getNotificationId(), from));
      message.setFrom(new InternetAddress(from, true));
      message.setRecipient(MimeMessage.RecipientType.TO, recipient(n));
      message.setSubject(n.getSubject(), StandardCharsets.UTF_8.name());
      message.setSentDate(Date.from(n.getCreatedAt()));
      if (n.getHtmlBody() == null) {
        message.setText(n.getTextBody(), StandardCharsets.UTF_8.name());
      } else {
        message.setContent(alternative(n));
      }
      message.saveChanges();
      return message;
    } catch (MessagingException | java.io.UnsupportedEncodingException | IllegalArgumentException e) {
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
    MimeBodyPart text = new MimeBodyPart();
    text.setText(n.getTextBody(), StandardCharsets.UTF_8.name());
    MimeBodyPart html = new MimeBodyPart();
    html.setText(n.getHtmlBody(), StandardCharsets.UTF_8.name(), "html");
    multipart.addBodyPart(text);
    multipart.addBodyPart(html);
    return multipart;
  }

  private static void rejectLineBreaks(String what, String value) {
    if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
      throw new IllegalArgumentException(what + " contains CR or LF, which could inject headers; refused before sending");
    }
  }

  /** A message whose Message-ID is fixed instead of generated at {@code saveChanges()}. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
