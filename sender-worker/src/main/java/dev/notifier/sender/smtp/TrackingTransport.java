package dev.notifier.sender.smtp;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport (plain, STARTTLS or implicit TLS, as the session says), noting whether
 * the server accepted the current message's first command, MAIL FROM. Until it has, the server
 * holds nothing of the message, whatever went wrong.
 */
final class TrackingTransport extends SMTPTransport {

  private boolean mailAccepted;

  TrackingTransport(Session session) {
    this(session, session.getProperty("mail.transport.protocol"));
  }

  private TrackingTransport(Session session, String protocol) {
    super(session, new URLName(protocol, null, -1, null, null, null), protocol, "smtps".equals(protocol));
  }

  @Override
  public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
    mailAccepted = false;
    super.sendMessage(message, addresses);
  }

  @Override
  protected void mailFrom() throws MessagingException {
    super.mailFrom();
    mailAccepted = true;
  }

  /** Whether the server answered the last message's MAIL FROM with 250. */
  synchronized boolean mailAccepted() {
    return mailAccepted;
  }
}
