package dev.notifier.sender.smtp;

import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Locale;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/** Turns Angus Mail's exceptions into a {@link DeliveryException} naming the step and the reply. */
final class SmtpFailures {

  private SmtpFailures() {
  }

  static DeliveryException explain(MessagingException e, String lastResponse) {
    SMTPAddressFailedException rcpt = find(e, SMTPAddressFailedException.class);
    if (rcpt != null) {
      return new DeliveryException("rcpt", reply(rcpt.getMessage(), lastResponse),
          "recipient " + rcpt.getAddress() + " refused: " + rcpt.getMessage().strip(), e);
    }
    SMTPSendFailedException send = find(e, SMTPSendFailedException.class);
    if (send != null) {
      String step = send.getCommand() == null ? "data" : send.getCommand().split(" ")[0].toLowerCase(Locale.ROOT);
      step = step.startsWith("mail") ? "mail" : step.startsWith("rcpt") ? "rcpt" : "data";
      return new DeliveryException(step, reply(send.getMessage(), lastResponse),
          "server refused the message at " + step + ": " + send.getMessage().strip(), e);
    }
    return new DeliveryException("io", null, "connection failed while sending: " + describe(e), e);
  }

  /**
   * The end of data was sent and no reply came (a time-out, a closed connection): the server may
   * have taken the message or not. Step {@code end-of-data}, no reply.
   */
  static DeliveryException unknownOutcome(Exception e, AccountSettings account) {
    return new DeliveryException("end-of-data", null, "account " + account.id() + ": no reply after the end of data ("
        + describe(e) + "): the server may or may not have taken the message", e);
  }

  /**
   * Whether {@code e} means the server had closed the connection: the command got no reply at all
   * (end of stream, a reset, a broken pipe). Not when the server replied with a refusal (a code of
   * 400 or more in {@code lastResponse}), nor after a time-out: a silent server may be alive and slow.
   */
  static boolean closedWithoutReply(MessagingException e, String lastResponse) {
    SmtpReply reply = SmtpReply.parse(lastResponse);
    if (reply != null && reply.code() >= 400) {
      return false;
    }
    SMTPSendFailedException send = find(e, SMTPSendFailedException.class);
    if (send != null) {
      return send.getReturnCode() == -1;
    }
    return closedWithoutReply((Throwable) e);
  }

  /** Whether {@code e} is an I/O failure other than a time-out: the connection was closed, reset or broken. */
  static boolean closedWithoutReply(Throwable e) {
    boolean io = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedIOException) {
        return false;
      }
      io |= t instanceof IOException;
    }
    return io;
  }

  static DeliveryException explainConnect(MessagingException e, String lastResponse, AccountSettings account) {
    if (e instanceof AuthenticationFailedException) {
      SmtpReply reply = reply(e.getMessage(), lastResponse);
      return new DeliveryException("auth", reply, "account " + account.id() + " could not log in as "
          + account.username() + ": " + (reply != null ? reply : describe(e)), e);
    }
    if (String.valueOf(e.getMessage()).contains("does not support STARTTLS")) {
      return new DeliveryException("starttls", null, "account " + account.id() + ": " + account.host() + ":"
          + account.port() + " does not offer STARTTLS, which security: starttls requires; nothing was sent", e);
    }
    SmtpReply reply = reply(null, lastResponse);
    return new DeliveryException("connect", reply, "cannot connect to " + account.host() + ":" + account.port()
        + " (" + account.security().name().toLowerCase(Locale.ROOT) + "): "
        + (reply != null ? reply : describe(e)), e);
  }

  private static SmtpReply reply(String message, String lastResponse) {
    SmtpReply reply = SmtpReply.parse(message);
    return reply != null ? reply : SmtpReply.parse(lastResponse);
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  private static <T extends Exception> T find(Exception e, Class<T> type) {
    Exception current = e;
    while (current != null) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      current = current instanceof MessagingException me ? me.getNextException() : null;
    }
    return null;
  }
}
