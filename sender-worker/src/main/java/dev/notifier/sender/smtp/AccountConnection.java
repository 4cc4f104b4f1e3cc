package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.function.Function;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One long-lived SMTP connection of one account, reused across messages (connect, EHLO, TLS and
 * AUTH are paid once, not per message as with {@code Transport.send}). After any failure, or
 * after {@link #IDLE_TIMEOUT} unused, the connection is closed and the next send opens a fresh
 * one. Not thread-safe: one per sending thread.
 */
public final class AccountConnection implements AutoCloseable {

  /**
   * A connection unused this long is replaced before the next send. Servers drop idle clients
   * after 60 to 300 s (RFC 5321 asks for at least 5 minutes); 20 s stays clear of all of them.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

  private final AccountSettings account;
  private final Session session;
  private final Function<String, String> env;
  private Transport transport;
  private long lastUsed;

  public AccountConnection(AccountSettings account, Function<String, String> env) {
    this.account = account;
    this.session = SessionFactory.session(account);
    this.env = env;
  }

  public AccountSettings account() {
    return account;
  }

  public Session session() {
    return session;
  }

  /** Sends one message; on failure the connection is dropped and the failure explained. */
  public void send(MimeMessage message) throws DeliveryException {
    connectIfNeeded();
    try {
      transport.sendMessage(message, message.getAllRecipients());
      lastUsed = System.nanoTime();
    } catch (MessagingException e) {
      DeliveryException failure = SmtpFailures.explain(e, lastResponse());
      closeQuietly();
      throw failure;
    }
  }

  private void connectIfNeeded() throws DeliveryException {
    // Angus's isConnected() sends a NOOP on every call; trust our own bookkeeping instead, and
    // reconnect before the server's idle time-out would close the connection under us
    if (transport != null && System.nanoTime() - lastUsed < IDLE_TIMEOUT.toNanos()) {
      return;
    }
    closeQuietly();
    String password;
    try {
      password = account.authenticates() ? account.password(env) : null;
    } catch (IllegalStateException e) {
      throw new DeliveryException("auth", null, e.getMessage(), e);
    }
    try {
      transport = session.getTransport();
      if (account.authenticates()) {
        transport.connect(account.host(), account.port(), account.username(), password);
      } else {
        transport.connect();
      }
      lastUsed = System.nanoTime();
    } catch (MessagingException e) {
      DeliveryException failure = SmtpFailures.explainConnect(e, lastResponse(), account);
      closeQuietly();
      throw failure;
    }
  }

  private String lastResponse() {
    return transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : null;
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
