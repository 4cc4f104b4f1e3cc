package dev.notifier.sender.smtp;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.Socket;
import java.time.Duration;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Angus Mail's SMTP transport (plain, STARTTLS or implicit TLS, as the session says), noting how far
 * the current message got: whether the server accepted its first command, MAIL FROM (until then
 * the server holds nothing of it), and whether the end of data was sent (from then on, without the
 * server's reply, nobody knows whether it took the message).
 *
 * <p>The reply to the end of data gets its own time-out, {@code finalReplyTimeout} (RFC 5321
 * 4.5.3.2.6: 10 minutes), instead of the read time-out of every other command: a server may spend
 * minutes checking a message, and giving up early turns a delivery into an unknown outcome. Angus
 * Mail has no setting for it, so the socket's time-out is changed around that one read, through the
 * transport's socket field; if a later Angus Mail renames the field, the read time-out applies and a
 * warning says so once.
 */
final class TrackingTransport extends SMTPTransport {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingTransport.class);
  private static final Field SOCKET = socketField();

  private final Duration finalReplyTimeout;
  private boolean mailAccepted;
  private boolean endOfDataSent;

  TrackingTransport(Session session, Duration finalReplyTimeout) {
    this(session, session.getProperty("mail.transport.protocol"), finalReplyTimeout);
  }

  private TrackingTransport(Session session, String protocol, Duration finalReplyTimeout) {
    super(session, new URLName(protocol, null, -1, null, null, null), protocol, "smtps".equals(protocol));
    this.finalReplyTimeout = finalReplyTimeout;
  }

  @Override
  public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
    mailAccepted = false;
    endOfDataSent = false;
    super.sendMessage(message, addresses);
  }

  @Override
  protected void mailFrom() throws MessagingException {
    super.mailFrom();
    mailAccepted = true;
  }

  @Override
  protected void finishData() throws IOException, MessagingException {
    Socket socket = socket();
    int readTimeout = socket == null ? 0 : socket.getSoTimeout();
    if (socket != null) {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, finalReplyTimeout.toMillis()));
    }
    // the end of data goes out in this call: from here a lost reply leaves the outcome unknown
    endOfDataSent = true;
    try {
      super.finishData();
    } finally {
      if (socket != null && !socket.isClosed()) {
        socket.setSoTimeout(readTimeout);
      }
    }
  }

  /** Whether the server answered the last message's MAIL FROM with 250. */
  synchronized boolean mailAccepted() {
    return mailAccepted;
  }

  /** Whether the last message's end of data was sent: a failure without a reply after it is an unknown outcome. */
  synchronized boolean endOfDataSent() {
    return endOfDataSent;
  }

  private Socket socket() {
    try {
      return SOCKET == null ? null : (Socket) SOCKET.get(this);
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  private static Field socketField() {
    try {
      Field field = SMTPTransport.class.getDeclaredField("serverSocket");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("this Angus Mail has no SMTPTransport.serverSocket ({}): the reply to the end of data waits only the "
          + "read time-out, not finalReplyTimeout", e.toString());
      return null;
    }
  }
}
