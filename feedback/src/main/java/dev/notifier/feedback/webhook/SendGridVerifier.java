package dev.notifier.feedback.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Verifies SendGrid's Signed Event Webhook: the ECDSA (P-256, SHA-256) signature in
 * {@code X-Twilio-Email-Event-Webhook-Signature} over the timestamp header's value followed by the raw
 * body, with the verification key SendGrid shows for the account (base64 DER, as copied from its
 * settings page). A timestamp further than {@link #TOLERANCE} from now is refused, so a captured
 * request cannot be replayed later.
 */
public final class SendGridVerifier {

  public static final String SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature";
  public static final String TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp";
  static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final PublicKey key;
  private final Clock clock;

  public SendGridVerifier(String base64Key, Clock clock) {
    try {
      this.key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
          Base64.getDecoder().decode(base64Key.strip())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("webhooks.sendgrid.verificationKey is not a base64 EC public key (copy it "
          + "from SendGrid's Mail Settings, Signed Event Webhook): " + e.getMessage(), e);
    }
    this.clock = clock;
  }

  public void verify(String signature, String timestamp, byte[] body) throws Refusal {
    if (signature == null || timestamp == null) {
      throw new Refusal("unsigned", "a SendGrid event without " + SIGNATURE + " and " + TIMESTAMP + " is refused");
    }
    try {
      Instant at = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
      if (Duration.between(at, clock.instant()).abs().compareTo(TOLERANCE) > 0) {
        throw new Refusal("stale", "the SendGrid timestamp " + at + " is more than " + TOLERANCE.toMinutes()
            + " minutes from now");
      }
    } catch (NumberFormatException e) {
      throw new Refusal("malformed", "the SendGrid timestamp is not a number");
    }
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(timestamp.getBytes(StandardCharsets.UTF_8));
      s.update(body);
      if (!s.verify(Base64.getDecoder().decode(signature.strip()))) {
        throw new Refusal("bad-signature", "the SendGrid signature does not match the request");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new Refusal("bad-signature", "the SendGrid signature cannot be verified: " + e.getMessage());
    }
  }
}
