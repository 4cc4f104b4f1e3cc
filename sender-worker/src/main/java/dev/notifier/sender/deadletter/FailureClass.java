package dev.notifier.sender.deadletter;

import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;

/** The kind of a delivery failure, as written to dead letters and statuses. */
public enum FailureClass {
  /** The server refused the recipient (5xx at RCPT, 5.1.x): the person or mailbox is gone. */
  DEAD_RECIPIENT,
  /** The account is misconfigured: bad credentials (535), TLS required (530), sender not the user (553). */
  ACCOUNT_ERROR,
  /** A 4xx reply, a time-out or a refused connection: worth trying again later. */
  TRANSIENT,
  /** The message itself cannot be sent (e.g. CR/LF in a header); refused before any byte went out. */
  INVALID_MESSAGE,
  /** The notification names an account this worker does not have. */
  UNKNOWN_ACCOUNT,
  /** Any other permanent (5xx) refusal. */
  PERMANENT;

  public static FailureClass of(DeliveryException e) {
    SmtpReply reply = e.reply();
    if ("account".equals(e.step())) {
      return UNKNOWN_ACCOUNT;
    }
    if ("message".equals(e.step())) {
      return INVALID_MESSAGE;
    }
    if (reply == null || reply.isTransient()) {
      return TRANSIENT;
    }
    int code = reply.code();
    if ("auth".equals(e.step()) || code == 535 || code == 534 || code == 530
        || ("mail".equals(e.step()) && code == 553)) {
      return ACCOUNT_ERROR;
    }
    if ("rcpt".equals(e.step()) || (reply.enhancedCode() != null && reply.enhancedCode().startsWith("5.1."))) {
      return DEAD_RECIPIENT;
    }
    return PERMANENT;
  }
}
