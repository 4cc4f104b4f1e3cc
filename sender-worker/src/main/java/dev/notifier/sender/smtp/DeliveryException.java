package dev.notifier.sender.smtp;

/**
 * A message that was not delivered, with what the server said (when it said anything) and at
 * which step: connect, auth, mail, rcpt, data, message (refused before any byte was sent), or worker
 * (the worker itself failed).
 */
public class DeliveryException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient SmtpReply reply;
  private final String step;

  public DeliveryException(String step, SmtpReply reply, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
    this.reply = reply;
  }

  /** The server's reply, or null when there was none (refused connection, time-out, bad message). */
  public SmtpReply reply() {
    return reply;
  }

  public String step() {
    return step;
  }

  /** The class of the underlying cause, e.g. {@code java.net.SocketTimeoutException}. */
  public String causeClass() {
    Throwable root = this;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getName();
  }
}
