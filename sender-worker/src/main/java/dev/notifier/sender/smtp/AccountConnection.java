package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived SMTP connection of one account, reused across messages (connect, EHLO, TLS and
 * AUTH are paid once, not per message as with {@code Transport.send}). After any failure, or
 * after {@link #IDLE_TIMEOUT} unused, the connection is closed and the next send opens a fresh
 * one. Not thread-safe: one per sending thread.
 *
 * <p><b>A pooled connection the server closed.</b> A server that restarts, or drops its clients,
 * closes every pooled connection, and the client learns it only from the next message's first
 * command. When a connection opened for an earlier message fails before the server accepted this
 * message's MAIL FROM, and fails without any reply (end of stream, reset, broken pipe: not a
 * refusal, not a time-out), the server holds nothing of the message: the connection is replaced
 * and the message sent again at once, on the new connection, within the same attempt. The failure
 * is the connection's, not the message's: no attempt is counted and the breaker is not told. Only
 * once per message, and never once MAIL FROM was accepted: from then on an unknown outcome (above
 * all after the end of data, when the server may have queued the message) is the message's
 * failure, retried with backoff as a counted attempt — and once the end of data was sent, a failure
 * without the server's reply is an unknown outcome (step {@code end-of-data}): the server may have
 * queued the message. A send without a probe costs nothing extra; a NOOP before each message would
 * cost a round trip each.
 */
public final class AccountConnection implements SmtpConnection {

  private static final Logger LOG = LoggerFactory.getLogger(AccountConnection.class);

  /**
   * A connection unused this long is replaced before the next send. Servers drop idle clients
   * after 60 to 300 s (RFC 5321 asks for at least 5 minutes); 20 s stays clear of all of them.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

  private final AccountSettings account;
  private final Session session;
  private final Function<String, String> env;
  private TrackingTransport transport;
  private long lastUsed;

  public AccountConnection(AccountSettings account, Function<String, String> env) {
    this.account = account;
    this.session = SessionFactory.session(account);
    this.env = env;
  }

  @Override
  public AccountSettings account() {
    return account;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public void send(MimeMessage message) throws DeliveryException {
    boolean pooled = connectIfNeeded();
    try {
      transmit(message);
    } catch (MessagingException e) {
      if (!pooled || transport.mailAccepted() || !SmtpFailures.closedWithoutReply(e, lastResponse())) {
        throw failed(e);
      }
      resendOnNewConnection(message, e);
    }
  }

  /** The pooled connection was found closed before MAIL FROM was accepted: a new one, and the message once more. */
  private void resendOnNewConnection(MimeMessage message, MessagingException closed) throws DeliveryException {
    LOG.info("account {}: the server had closed a pooled connection ({}); sending on a new one", account.id(),
        SmtpFailures.describe(closed));
    closeQuietly();
    connectIfNeeded();
    try {
      transmit(message);
    } catch (MessagingException e) {
      throw failed(e);
    }
  }

  private void transmit(MimeMessage message) throws MessagingException {
    transport.sendMessage(message, message.getAllRecipients());
    lastUsed = System.nanoTime();
  }

  private DeliveryException failed(MessagingException e) {
    DeliveryException failure = SmtpFailures.explain(e, lastResponse());
    if (transport != null && transport.endOfDataSent() && (failure.reply() == null || failure.reply().code() < 400)) {
      failure = SmtpFailures.unknownOutcome(e, account);
    }
    closeQuietly();
    return failure;
  }

  /** Opens a connection unless a usable one is open; true when the open one is kept (pooled). */
  private boolean connectIfNeeded() throws DeliveryException {
    // Angus's isConnected() sends a NOOP on every call; trust our own bookkeeping instead, and
    // reconnect before the server's idle time-out would close the connection under us
    if (transport != null && System.nanoTime() - lastUsed < IDLE_TIMEOUT.toNanos()) {
      return true;
    }
    closeQuietly();
    String password;
    try {
      password = account.authenticates() ? account.password(env) : null;
    } catch (IllegalStateException e) {
      throw new DeliveryException("auth", null, e.getMessage(), e);
    }
    try {
      transport = new TrackingTransport(session, account.finalReplyTimeout());
      if (account.authenticates()) {
        transport.connect(account.host(), account.port(), account.username(), password);
      } else {
        transport.connect();
      }
      lastUsed = System.nanoTime();
      return false;
    } catch (MessagingException e) {
      DeliveryException failure = SmtpFailures.explainConnect(e, lastResponse(), account);
      closeQuietly();
      throw failure;
    }
  }

  private String lastResponse() {
    return transport == null ? null : transport.getLastServerResponse();
  }

  private void closeQuietly() {
    if (transport != null) {
      try {
        transport.close();
      } catch (MessagingException ignored) {
        // the connection is being discarded; nothing more to say to this server
      }
      transport = null;
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
