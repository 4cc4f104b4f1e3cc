package dev.notifier.sender.doctor;

import dev.notifier.sender.retry.ReplyClassifier;
import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;

/**
 * Asks the worker's classification table what a failure means, so the check names the same kind and
 * gives the same fix as a dead letter or a status would for the same reply or exception.
 */
final class ReplyAdvice {

  private ReplyAdvice() {
  }

  /**
   * The failure of a step, classified as the worker classifies a {@link DeliveryException}.
   *
   * @param smtpStep the worker's step name: connect, ehlo, auth, mail, rcpt or data
   * @param reply the server's reply, or null when there was none
   * @param cause the exception, or null
   * @param detail what to show a person
   */
  static StepFailure failure(String smtpStep, SmtpReply reply, Throwable cause, String detail) {
    DeliveryException e = new DeliveryException(smtpStep, reply, detail, cause);
    return new StepFailure(detail, ReplyClassifier.defaults().classify(e));
  }

  /** The deepest cause of {@code e}, for messages: "Connection refused", "PKIX path building failed". */
  static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** "message (root cause)" for an exception whose message alone does not say what happened. */
  static String describe(Throwable e) {
    Throwable root = root(e);
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    return root == e ? message : message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
