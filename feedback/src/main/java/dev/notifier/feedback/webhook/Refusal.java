package dev.notifier.feedback.webhook;

/**
 * Why a webhook request was refused: its reason is the counter's tag and the response's text (never
 * anything from the request that could be a secret).
 */
public final class Refusal extends Exception {

  private final String reason;

  public Refusal(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A short code for metrics: unsigned, bad-signature, stale, untrusted-certificate, unknown-topic, malformed. */
  public String reason() {
    return reason;
  }
}
