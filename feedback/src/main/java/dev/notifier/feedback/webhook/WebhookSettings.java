package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code webhooks:} section of a notifier config, for {@code notifier webhooks}: where the
 * receiver listens (behind the TLS ingress that providers reach) and what it trusts.
 *
 * @param host the address it binds (default 127.0.0.1: put it behind a TLS-terminating proxy)
 * @param port its port (default 8089)
 * @param sesTopicArns the SNS topics whose SES notifications are accepted; none: SES is not served
 * @param sendgridVerificationKey SendGrid's Signed Event Webhook verification key (base64); none: not served
 * @param sendgridVerificationKeyEnv or the environment variable holding it (a Secret, so the key can be
 *     rotated without editing the config); at most one of the two
 */
public record WebhookSettings(
    @JsonProperty("host") String host,
    @JsonProperty("port") Integer port,
    @JsonProperty("sesTopicArns") List<String> sesTopicArns,
    @JsonProperty("sendgridVerificationKey") String sendgridVerificationKey,
    @JsonProperty("sendgridVerificationKeyEnv") String sendgridVerificationKeyEnv) {

  public WebhookSettings {
    host = host == null || host.isBlank() ? "127.0.0.1" : host.strip();
    port = port == null ? 8089 : port;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("webhooks.port is " + port + ": use 1-65535 (default 8089)");
    }
    sesTopicArns = sesTopicArns == null ? List.of() : List.copyOf(sesTopicArns);
    sendgridVerificationKey = blankToNull(sendgridVerificationKey);
    sendgridVerificationKeyEnv = blankToNull(sendgridVerificationKeyEnv);
    if (sendgridVerificationKey != null && sendgridVerificationKeyEnv != null) {
      throw new IllegalArgumentException("webhooks: set sendgridVerificationKey or sendgridVerificationKeyEnv ("
          + sendgridVerificationKeyEnv + "), not both");
    }
  }

  /**
   * This section, if it serves anything: a provider, or the one-click unsubscribe links when
   * {@code unsubscribe} (the config has an {@code unsubscribe} section).
   *
   * @throws IllegalArgumentException when it would serve nothing
   */
  public WebhookSettings requireSomethingToServe(boolean unsubscribe) {
    if (!unsubscribe && sesTopicArns.isEmpty() && sendgridVerificationKey == null
        && sendgridVerificationKeyEnv == null) {
      throw new IllegalArgumentException("webhooks: configure sesTopicArns or sendgridVerificationKey (or "
          + "sendgridVerificationKeyEnv), or an unsubscribe section; an unsigned webhook is never accepted");
    }
    return this;
  }

  /** A section with the SendGrid key inline. */
  public WebhookSettings(String host, Integer port, List<String> sesTopicArns, String sendgridVerificationKey) {
    this(host, port, sesTopicArns, sendgridVerificationKey, null);
  }

  /**
   * SendGrid's verification key, inline or from {@code env}; null when SendGrid is not served.
   *
   * @throws IllegalStateException naming the variable when it is not set (never a value)
   */
  public String sendgridKey(Function<String, String> env) {
    if (sendgridVerificationKeyEnv == null) {
      return sendgridVerificationKey;
    }
    String value = env.apply(sendgridVerificationKeyEnv);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("webhooks.sendgridVerificationKeyEnv names " + sendgridVerificationKeyEnv
          + ", which is not set: export it with the Signed Event Webhook's verification key (SendGrid: Settings, "
          + "Mail Settings, Event Webhook)");
    }
    return value.strip();
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
