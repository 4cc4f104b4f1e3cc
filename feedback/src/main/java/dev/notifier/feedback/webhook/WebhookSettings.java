package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The {@code webhooks:} section of a notifier config, for {@code notifier webhooks}: where the
 * receiver listens (behind the TLS ingress that providers reach) and what it trusts.
 *
 * @param host the address it binds (default 127.0.0.1: put it behind a TLS-terminating proxy)
 * @param port its port (default 8089)
 * @param sesTopicArns the SNS topics whose SES notifications are accepted; none: SES is not served
 * @param sendgridVerificationKey SendGrid's Signed Event Webhook verification key (base64); none: not served
 */
public record WebhookSettings(
    @JsonProperty("host") String host,
    @JsonProperty("port") Integer port,
    @JsonProperty("sesTopicArns") List<String> sesTopicArns,
    @JsonProperty("sendgridVerificationKey") String sendgridVerificationKey) {

  public WebhookSettings {
    host = host == null || host.isBlank() ? "127.0.0.1" : host.strip();
    port = port == null ? 8089 : port;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("webhooks.port is " + port + ": use 1-65535 (default 8089)");
    }
    sesTopicArns = sesTopicArns == null ? List.of() : List.copyOf(sesTopicArns);
    if (sesTopicArns.isEmpty() && (sendgridVerificationKey == null || sendgridVerificationKey.isBlank())) {
      throw new IllegalArgumentException("webhooks: configure sesTopicArns or sendgridVerificationKey (or both); an "
          + "unsigned webhook is never accepted");
    }
  }
}
