package dev.notifier.cli.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Feedback;
import dev.notifier.feedback.webhook.SendGridVerifier;
import dev.notifier.feedback.webhook.WebhookReceiver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The webhook receiver's counts on the management endpoint, wired as {@code notifier webhooks} wires
 * them (one {@link ProcessMetrics} registry for the receiver and the endpoint), over real HTTP: a
 * wrongly signed and an unsigned SendGrid request are refused and appear in
 * {@code notifier_webhook_requests_refused_total}, a signed one in
 * {@code notifier_webhook_feedback_accepted_total}.
 */
class WebhookMetricsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void refusedAndAcceptedWebhookRequestsAreCountedOnTheMetricsEndpoint() throws Exception {
    // Step 1: configure — SendGrid's verification key (made here) and a forger's
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair sendgrid = generator.generateKeyPair();
    KeyPair forger = generator.generateKeyPair();
    Clock clock = Clock.systemUTC();
    List<Feedback> stored = new CopyOnWriteArrayList<>();
    try (ProcessMetrics metrics = new ProcessMetrics();
        WebhookReceiver receiver = new WebhookReceiver(new InetSocketAddress("127.0.0.1", 0), null,
            new SendGridVerifier(Base64.getEncoder().encodeToString(sendgrid.getPublic().getEncoded()), clock),
            null, stored::addAll, metrics.registry(), clock);
        ManagementServer server = ManagementServer.start(ManagementSettings.loopback(0), metrics,
            Health.all(List.of()))) {
      String before = Scrape.get(server.port(), Management.METRICS_PATH).body();
      assertThat(Scrape.byLabel(before, "notifier_webhook_feedback_accepted_total", "provider"))
          .isEqualTo(Map.of("sendgrid", 0.0));

      // Step 2: a forged complaint, an unsigned one and a signed one
      String now = Long.toString(clock.instant().getEpochSecond());
      String body = "[{\"email\":\"frank@example.net\",\"timestamp\":" + now + ",\"event\":\"spamreport\"}]";
      assertThat(post(receiver.port(), body, now, forger)).isEqualTo(403);
      assertThat(post(receiver.port(), body, now, forger)).isEqualTo(403);
      assertThat(post(receiver.port(), body, now, null)).isEqualTo(401);
      assertThat(post(receiver.port(), body, now, sendgrid)).isEqualTo(200);

      // Step 3: verify — scraped over HTTP, by provider and reason
      String text = Scrape.get(server.port(), Management.METRICS_PATH).body();
      List<Scrape.Sample> refused = Scrape.samples(text).stream()
          .filter(s -> s.name().equals("notifier_webhook_requests_refused_total")).toList();
      assertThat(refused).extracting(s -> s.labels().get("provider") + " " + s.labels().get("reason") + " " + s.value())
          .containsExactlyInAnyOrder("sendgrid bad-signature 2.0", "sendgrid unsigned 1.0");
      assertThat(Scrape.byLabel(text, "notifier_webhook_feedback_accepted_total", "provider"))
          .isEqualTo(Map.of("sendgrid", 1.0));
      assertThat(stored).hasSize(1);
      assertThat(receiver.refusals()).isEqualTo(Map.of("sendgrid bad-signature", 2L, "sendgrid unsigned", 1L));
      assertThat(Scrape.get(server.port(), Management.READINESS_PATH).statusCode()).isEqualTo(200);
    }
  }

  /** POSTs {@code body} to the SendGrid webhook, signed with {@code key} (null: unsigned); the status. */
  private static int post(int port, String body, String timestamp, KeyPair key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/sendgrid"))
        .header(SendGridVerifier.TIMESTAMP, timestamp).POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(key.getPrivate());
      signature.update((timestamp + body).getBytes(StandardCharsets.UTF_8));
      request.header(SendGridVerifier.SIGNATURE, Base64.getEncoder().encodeToString(signature.sign()));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
