package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * One long-lived SMTP connection slot of one account, used by one sending thread: Angus Mail's
 * ({@link AccountConnection}) or the pipelining client's ({@link PipeliningConnection}), chosen by
 * the account's {@code transport} ({@link SmtpConnections}). Either keeps every behaviour the worker
 * relies on: TLS identity checks, required STARTTLS, AUTH, failures as {@link DeliveryException}s
 * naming the step and the reply, time-outs, and a lost reply after the end of data as an unknown
 * outcome (step {@code end-of-data}).
 */
public interface SmtpConnection extends AutoCloseable {

  AccountSettings account();

  /** The session messages for this connection are built in ({@link MessageFactory#build}). */
  Session session();

  /** Sends one message; on failure the connection is dropped and the failure explained. */
  void send(MimeMessage message) throws DeliveryException;

  /**
   * Sends several messages in order, each a separate mail transaction; one failure for each
   * message, {@code null} for each the server accepted. A failure of one message does not stop the
   * ones after it.
   */
  default List<DeliveryException> sendAll(List<MimeMessage> messages) {
    List<DeliveryException> failures = new ArrayList<>(messages.size());
    for (MimeMessage message : messages) {
      try {
        send(message);
        failures.add(null);
      } catch (DeliveryException e) {
        failures.add(e);
      }
    }
    return failures;
  }

  /** How many messages {@link #sendAll} gains from at once: 1 when it sends them one by one anyway. */
  default int batchLimit() {
    return 1;
  }

  @Override
  void close();
}
