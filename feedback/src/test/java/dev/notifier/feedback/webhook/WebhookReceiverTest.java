package dev.notifier.feedback.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.SendGridArgs;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook receiver on loopback with the providers' real signature schemes and keys made here: an
 * SNS message signed with RSA by a self-signed certificate standing for SNS's (SignatureVersion 1 and
 * 2), and SendGrid events signed with ECDSA P-256. Correctly signed requests become feedback; an
 * unsigned, wrongly signed, stale, foreign-topic or foreign-certificate request is refused and counted.
 */
class WebhookReceiverTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-bounces";
  private static final String CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123.pem";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Feedback> stored = new CopyOnWriteArrayList<>();
  private final AtomicInteger certificateFetches = new AtomicInteger();
  private final HttpClient http = HttpClient.newHttpClient();
  private KeyPair rsa;
  private X509Certificate snsCertificate;
  private KeyPair ec;
  private WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    rsa = rsaGen.generateKeyPair();
    snsCertificate = selfSigned(rsa);
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGen.generateKeyPair();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    SnsVerifier ses = new SnsVerifier(Set.of(TOPIC), url -> {
      certificateFetches.incrementAndGet();
      if (!url.toString().equals(CERT_URL)) {
        throw new CertificateException("no certificate at " + url);
      }
      return snsCertificate;
    }, clock);
    SendGridVerifier sendgrid = new SendGridVerifier(Base64.getEncoder().encodeToString(ec.getPublic().getEncoded()),
        clock);
    receiver = new WebhookReceiver(new InetSocketAddress("127.0.0.1", 0), ses, sendgrid, stored::addAll);
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void aSignedSesBounceAndComplaintBecomeFeedback() throws Exception {
    HttpResponse<String> bounce = post("/webhooks/ses", signedSns(sesBounce(), "2", rsa.getPrivate()), Map.of());
    HttpResponse<String> complaint = post("/webhooks/ses", signedSns(sesComplaint(), "1", rsa.getPrivate()), Map.of());

    assertThat(bounce.statusCode()).as(bounce.body()).isEqualTo(200);
    assertThat(complaint.statusCode()).as(complaint.body()).isEqualTo(200);
    assertThat(stored).extracting(Feedback::getAddress, Feedback::getKind, Feedback::getNotificationId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gone@example.com", FeedbackKind.HARD_BOUNCE,
                "5f7614d0-0b1e-3d00-9cc8-4136f5f6c443"),
            org.assertj.core.groups.Tuple.tuple("angry@example.com", FeedbackKind.COMPLAINT, null));
    Feedback hard = stored.get(0);
    assertThat(hard.getReplyCode()).isEqualTo(550);
    assertThat(hard.getEnhancedCode()).isEqualTo("5.1.1");
    assertThat(hard.getSource()).isEqualTo("ses");
    assertThat(hard.getAt()).isEqualTo(Instant.parse("2026-11-21T09:59:58.000Z"));
    assertThat(receiver.refusals()).isEmpty();
  }

  @Test
  void anUnsignedForgedOrForeignSnsMessageIsRefusedAndCounted() throws Exception {
    ObjectNode forged = signedSns(sesBounce(), "2", rsa.getPrivate());
    forged.put("Message", forged.get("Message").asText().replace("gone@example.com", "ceo@example.com"));
    ObjectNode unsigned = signedSns(sesBounce(), "2", rsa.getPrivate());
    unsigned.remove("Signature");
    KeyPairGenerator other = KeyPairGenerator.getInstance("RSA");
    other.initialize(2048);
    ObjectNode wrongKey = signedSns(sesBounce(), "2", other.generateKeyPair().getPrivate());
    ObjectNode foreignCert = signedSns(sesBounce(), "2", rsa.getPrivate());
    foreignCert.put("SigningCertURL", "https://attacker.example/sns.pem");
    ObjectNode foreignTopic = signedSns(sesBounce(), "2", rsa.getPrivate());
    foreignTopic.put("TopicArn", "arn:aws:sns:eu-west-1:999999999999:someone-else");

    assertThat(post("/webhooks/ses", forged, Map.of()).statusCode()).isEqualTo(403);
    assertThat(post("/webhooks/ses", unsigned, Map.of()).statusCode()).isEqualTo(401);
    assertThat(post("/webhooks/ses", wrongKey, Map.of()).statusCode()).isEqualTo(403);
    int fetchesBefore = certificateFetches.get();
    assertThat(post("/webhooks/ses", foreignCert, Map.of()).statusCode()).isEqualTo(403);
    assertThat(certificateFetches.get()).as("nothing fetched from a URL that is not SNS's").isEqualTo(fetchesBefore);
    assertThat(post("/webhooks/ses", foreignTopic, Map.of()).statusCode()).isEqualTo(403);

    assertThat(stored).isEmpty();
    assertThat(receiver.refusals()).isEqualTo(Map.of("ses bad-signature", 2L, "ses unsigned", 1L,
        "ses untrusted-certificate", 1L, "ses unknown-topic", 1L));
  }

  @Test
  void signedSendGridEventsBecomeFeedbackAndAnythingElseIsRefused() throws Exception {
    String events = "[{\"email\":\"Gone@Example.com\",\"timestamp\":1763719190,\"event\":\"bounce\",\"type\":\"bounce\","
        + "\"status\":\"5.1.1\",\"reason\":\"550 5.1.1 The email account that you tried to reach does not exist\","
        + "\"notification_id\":\"5f7614d0-0b1e-3d00-9cc8-4136f5f6c443\"},"
        + "{\"email\":\"spam@example.com\",\"timestamp\":1763719191,\"event\":\"spamreport\"},"
        + "{\"email\":\"bye@example.com\",\"timestamp\":1763719192,\"event\":\"unsubscribe\"},"
        + "{\"email\":\"ok@example.com\",\"timestamp\":1763719193,\"event\":\"delivered\"},"
        + "{\"email\":\"blocked@example.com\",\"timestamp\":1763719194,\"event\":\"bounce\",\"type\":\"blocked\","
        + "\"reason\":\"554 5.7.1 blocked using Spamhaus\"}]";
    String now = Long.toString(NOW.getEpochSecond());

    HttpResponse<String> ok = post("/webhooks/sendgrid", events, sendGridHeaders(now, events, ec.getPrivate()));

    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(stored).extracting(Feedback::getAddress, Feedback::getKind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("gone@example.com", FeedbackKind.HARD_BOUNCE),
        org.assertj.core.groups.Tuple.tuple("spam@example.com", FeedbackKind.COMPLAINT),
        org.assertj.core.groups.Tuple.tuple("bye@example.com", FeedbackKind.UNSUBSCRIBE));
    assertThat(stored.get(0).getNotificationId()).isEqualTo("5f7614d0-0b1e-3d00-9cc8-4136f5f6c443");
    assertThat(stored.get(0).getReplyCode()).isEqualTo(550);
    stored.clear();

    KeyPairGenerator otherGen = KeyPairGenerator.getInstance("EC");
    otherGen.initialize(new ECGenParameterSpec("secp256r1"));
    String stale = Long.toString(NOW.minus(Duration.ofMinutes(10)).getEpochSecond());
    assertThat(post("/webhooks/sendgrid", events, Map.of()).statusCode()).isEqualTo(401);
    assertThat(post("/webhooks/sendgrid", events, sendGridHeaders(now, events, otherGen.generateKeyPair().getPrivate()))
        .statusCode()).isEqualTo(403);
    assertThat(post("/webhooks/sendgrid", events.replace("bounce", "delivered"),
        sendGridHeaders(now, events, ec.getPrivate())).statusCode()).isEqualTo(403);
    assertThat(post("/webhooks/sendgrid", events, sendGridHeaders(stale, events, ec.getPrivate())).statusCode())
        .isEqualTo(403);

    assertThat(stored).isEmpty();
    assertThat(receiver.refusals()).isEqualTo(Map.of("sendgrid unsigned", 1L, "sendgrid bad-signature", 2L,
        "sendgrid stale", 1L));
  }

  @Test
  void aSendGridEventIsTiedToItsNotificationByTheUniqueArgumentTheWorkerSent() throws Exception {
    String id = "6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11";
    // SendGrid copies each unique argument of a message's X-SMTPAPI header into that message's events
    ObjectNode event = ((ObjectNode) JSON.readTree(SendGridArgs.header(id)).get("unique_args")).deepCopy();
    event.put("email", "gone@example.com").put("timestamp", NOW.getEpochSecond()).put("event", "bounce")
        .put("type", "bounce").put("status", "5.1.1").put("reason", "550 5.1.1 user unknown");
    String events = JSON.createArrayNode().add(event).toString();
    String now = Long.toString(NOW.getEpochSecond());

    HttpResponse<String> ok = post("/webhooks/sendgrid", events, sendGridHeaders(now, events, ec.getPrivate()));

    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(stored).singleElement().satisfies(f -> {
      assertThat(f.getNotificationId()).isEqualTo(id);
      assertThat(f.getKind()).isEqualTo(FeedbackKind.HARD_BOUNCE);
    });
  }

  private HttpResponse<String> post(String path, Object body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> sendGridHeaders(String timestamp, String body, PrivateKey key) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
    return Map.of(SendGridVerifier.SIGNATURE, Base64.getEncoder().encodeToString(s.sign()),
        SendGridVerifier.TIMESTAMP, timestamp);
  }

  private static ObjectNode signedSns(String message, String version, PrivateKey key) throws Exception {
    ObjectNode m = JSON.createObjectNode();
    m.put("Type", "Notification");
    m.put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
    m.put("TopicArn", TOPIC);
    m.put("Message", message);
    m.put("Timestamp", "2026-11-21T09:59:59.000Z");
    m.put("SignatureVersion", version);
    m.put("SigningCertURL", CERT_URL);
    m.put("UnsubscribeURL", "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe");
    Signature s = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
    s.initSign(key);
    s.update(SnsVerifier.canonical(m).getBytes(StandardCharsets.UTF_8));
    m.put("Signature", Base64.getEncoder().encodeToString(s.sign()));
    return m;
  }

  private static String sesBounce() {
    return "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
        + "\"bouncedRecipients\":[{\"emailAddress\":\"gone@example.com\",\"action\":\"failed\",\"status\":\"5.1.1\","
        + "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],\"timestamp\":\"2026-11-21T09:59:58.000Z\"},"
        + "\"mail\":{\"messageId\":\"0100019a\",\"headers\":[{\"name\":\"X-Notifier-Notification-Id\","
        + "\"value\":\"5f7614d0-0b1e-3d00-9cc8-4136f5f6c443\"}]}}";
  }

  private static String sesComplaint() {
    return "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":"
        + "\"angry@example.com\"}],\"complaintFeedbackType\":\"abuse\",\"timestamp\":\"2026-11-21T09:59:58.500Z\"},"
        + "\"mail\":{\"messageId\":\"0100019b\"}}";
  }

  private static X509Certificate selfSigned(KeyPair keys) throws Exception {
    X500Name name = new X500Name("CN=sns.amazonaws.com");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(NOW.toEpochMilli()),
        Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(1))), name, keys.getPublic());
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
  }
}
