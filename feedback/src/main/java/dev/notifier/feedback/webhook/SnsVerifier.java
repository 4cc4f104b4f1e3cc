package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies an Amazon SNS message (how SES delivers bounce and complaint notifications) by its
 * signature, as SNS documents it: the canonical string of the message's fields (Message, MessageId,
 * Subject if present, Timestamp, TopicArn, Type — for subscription confirmations SubscribeURL and
 * Token instead of Subject) signed with SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2) by the
 * key of the certificate at SigningCertURL. That URL must be https on an {@code sns.<region>.amazonaws.com}
 * host before anything is fetched, the certificate must be valid now, and the topic must be one the
 * config names: a message from anyone else's topic is refused even when SNS signed it.
 */
public final class SnsVerifier {

  /** Fetches (and may cache) the signing certificate at a URL already checked to be SNS's. */
  @FunctionalInterface
  public interface Certificates {
    X509Certificate at(URI url) throws GeneralSecurityException;
  }

  private static final Pattern SNS_HOST = Pattern.compile("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");

  private final Set<String> topics;
  private final Certificates certificates;
  private final Clock clock;

  public SnsVerifier(Set<String> topicArns, Certificates certificates, Clock clock) {
    this.topics = Set.copyOf(topicArns);
    this.certificates = certificates;
    this.clock = clock;
  }

  public void verify(JsonNode m) throws Refusal {
    String signature = text(m, "Signature");
    String certUrl = text(m, "SigningCertURL");
    if (signature == null || certUrl == null) {
      throw new Refusal("unsigned", "an SNS message without Signature or SigningCertURL is refused");
    }
    String topic = text(m, "TopicArn");
    if (topic == null || !topics.contains(topic)) {
      throw new Refusal("unknown-topic", "topic " + topic + " is not one of webhooks.ses.topicArns");
    }
    URI url = URI.create(certUrl);
    if (!"https".equals(url.getScheme()) || url.getHost() == null || !SNS_HOST.matcher(url.getHost()).matches()
        || !url.getPath().endsWith(".pem")) {
      throw new Refusal("untrusted-certificate", "SigningCertURL is not an SNS certificate URL (https://sns.<region>"
          + ".amazonaws.com/….pem)");
    }
    String algorithm = switch (String.valueOf(text(m, "SignatureVersion"))) {
      case "1" -> "SHA1withRSA";
      case "2" -> "SHA256withRSA";
      default -> throw new Refusal("bad-signature", "SignatureVersion " + text(m, "SignatureVersion")
          + " is not 1 or 2");
    };
    try {
      X509Certificate cert = certificates.at(url);
      cert.checkValidity(Date.from(clock.instant()));
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(cert.getPublicKey());
      s.update(canonical(m).getBytes(StandardCharsets.UTF_8));
      if (!s.verify(Base64.getDecoder().decode(signature))) {
        throw new Refusal("bad-signature", "the SNS signature does not match the message");
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new Refusal("bad-signature", "the SNS signature cannot be verified: " + e.getMessage());
    }
  }

  /** The string SNS signs: "Name\nvalue\n" for each signed field present, in SNS's order. */
  static String canonical(JsonNode m) {
    String type = text(m, "Type");
    List<String> fields = "Notification".equals(type)
        ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
        : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
    StringBuilder b = new StringBuilder();
    for (String f : fields) {
      String v = text(m, f);
      if (v != null) {
        b.append(f).append('\n').append(v).append('\n');
      }
    }
    return b.toString();
  }

  private static String text(JsonNode m, String field) {
    JsonNode v = m.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
