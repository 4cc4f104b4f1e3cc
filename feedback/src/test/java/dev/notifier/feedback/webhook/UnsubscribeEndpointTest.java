package dev.notifier.feedback.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.UnsubscribeTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /unsubscribe/TOKEN} on the receiver over real HTTP on loopback: the one-click POST of RFC
 * 8058 becomes an UNSUBSCRIBE feedback record for the token's address and category; a GET (what a
 * mail scanner does) only shows a page with a button and writes nothing; a forged or changed token is
 * refused with 403 and counted like the other refusals.
 */
class UnsubscribeEndpointTest {

  private static final String ID = "6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11";
  private static final Instant NOW = Instant.parse("2026-12-04T09:30:00Z");
  private final UnsubscribeTokens tokens = new UnsubscribeTokens(
      "k3y-0f-at-least-thirty-two-bytes-for-hmac".getBytes(StandardCharsets.UTF_8));
  private final List<Feedback> stored = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private WebhookReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = new WebhookReceiver(new InetSocketAddress("127.0.0.1", 0), null, null, tokens, stored::addAll,
        new SimpleMeterRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private URI link(String token) {
    return URI.create("http://127.0.0.1:" + receiver.port() + "/unsubscribe/" + token);
  }

  private HttpResponse<String> oneClick(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(link(token)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theOneClickPostUnsubscribesTheAddressFromTheCategory() throws Exception {
    HttpResponse<String> response = oneClick(tokens.mint(ID, "bug", "alice@example.com"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("no longer receive <b>bug</b> notifications").doesNotContain("alice");
    assertThat(stored).singleElement().satisfies(f -> {
      assertThat(f.getKind()).isEqualTo(FeedbackKind.UNSUBSCRIBE);
      assertThat(f.getAddress()).isEqualTo("alice@example.com");
      assertThat(f.getCategory()).isEqualTo("bug");
      assertThat(f.getNotificationId()).isEqualTo(ID);
      assertThat(f.getSource()).isEqualTo("unsubscribe");
      assertThat(f.getAt()).isEqualTo(NOW);
    });
    assertThat(receiver.accepted()).isEqualTo(Map.of("unsubscribe", 1L));
  }

  @Test
  void aGetOnlyShowsAPageWithAButtonAndUnsubscribesNobody() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(link(tokens.mint(ID, "task", "bob@example.com")))
        .GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("<form method=\"post\">", "name=\"List-Unsubscribe\" value=\"One-Click\"",
        "<b>task</b>").doesNotContain("bob");
    assertThat(stored).isEmpty();
  }

  @Test
  void aCategoryIsShownAsTextNeverAsMarkup() throws Exception {
    // a category is a template name, the operator's: one with markup is shown, escaped, on both pages
    String category = "<script>alert('x')</script>&\"";
    String token = tokens.mint(ID, category, "bob@example.com");
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(link(token)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> done = oneClick(token);

    for (HttpResponse<String> response : List.of(page, done)) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("<b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</b>")
          .doesNotContain("<script>");
    }
    assertThat(stored).singleElement().satisfies(f -> assertThat(f.getCategory()).isEqualTo(category));
  }

  @Test
  void aForgedOrChangedTokenIsRefusedAndCounted() throws Exception {
    UnsubscribeTokens forger = new UnsubscribeTokens("not-the-key-but-also-thirty-two-bytes-long"
        .getBytes(StandardCharsets.UTF_8));
    String genuine = tokens.mint(ID, "bug", "alice@example.com");
    char last = genuine.charAt(genuine.length() - 2);
    String changed = genuine.substring(0, genuine.length() - 2) + (last == 'A' ? 'B' : 'A')
        + genuine.charAt(genuine.length() - 1);

    assertThat(oneClick(forger.mint(ID, "bug", "carol@example.com")).statusCode()).isEqualTo(403);
    assertThat(oneClick(changed).statusCode()).isEqualTo(403);
    assertThat(oneClick("").statusCode()).isEqualTo(403);
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(link("garbage")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(403);

    assertThat(stored).isEmpty();
    assertThat(receiver.refusals()).isEqualTo(Map.of("unsubscribe bad-token", 4L));
    assertThat(receiver.accepted()).isEmpty();
  }

  @Test
  void aReceiverWithoutTheSectionAnswers404() throws Exception {
    try (WebhookReceiver plain = new WebhookReceiver(new InetSocketAddress("127.0.0.1", 0), null, null,
        stored::addAll)) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.port()
          + "/unsubscribe/" + tokens.mint(ID, "bug", "alice@example.com"))).POST(HttpRequest.BodyPublishers
          .ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(404);
    }
    assertThat(stored).isEmpty();
  }
}
