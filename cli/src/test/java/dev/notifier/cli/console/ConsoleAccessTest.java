package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.schemas.config.KafkaSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who gets in and what they may post, without a broker: every refusal here comes before the console
 * reads a topic (the Kafka address points nowhere, so a request that got past would hang, not pass).
 * Basic auth against hashes, a trusted proxy's user header with its replayers, and the CSRF token on
 * every POST, the ledger search's included. The browser test covers the same on real pages.
 */
class ConsoleAccessTest {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static ConsoleServer console;

  @BeforeAll
  static void start() {
    ConsoleSettings settings = new ConsoleSettings("127.0.0.1", 0, List.of(
        new ConsoleUser.Configured("ann", Passwords.hash("ann-pw".toCharArray()), "viewer")),
        "X-Forwarded-User", List.of("bob"), List.of());
    console = ConsoleServer.start(settings, KafkaSettings.of("127.0.0.1:1"), KafkaSettings.of("127.0.0.1:1").topics(),
        a -> "noreply@notifier.test", Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    console.close();
  }

  @Test
  void basicAuthChecksTheHashedPassword() throws Exception {
    assertThat(get("/accounts", "Authorization", basic("ann", "ann-pw")).body()).contains("ann (viewer)");
    HttpResponse<String> wrong = get("/accounts", "Authorization", basic("ann", "not-her-pw"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("Basic"));
    assertThat(get("/accounts", "X-Other", "x").statusCode()).isEqualTo(401);
    assertThatThrownBy(() -> new ConsoleUser.Configured("eve", "plain-password", "viewer"))
        .hasMessageContaining("never put a password here");
    String hash = Passwords.hash("s3cret".toCharArray());
    assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain("s3cret");
    assertThat(Passwords.matches("s3cret".toCharArray(), hash)).isTrue();
    assertThat(Passwords.matches("S3cret".toCharArray(), hash)).isFalse();
  }

  @Test
  void theTrustedProxysHeaderNamesTheUserAndItsReplayersMayReplay() throws Exception {
    assertThat(get("/accounts", "X-Forwarded-User", "bob").body()).contains("bob (replayer)");
    assertThat(get("/accounts", "X-Forwarded-User", "carol").body()).contains("carol (viewer)");
    HttpResponse<String> carol = post("/replay", "class=PERMANENT&reason=x&mode=replay&csrf=" + token("carol"),
        "X-Forwarded-User", "carol");
    assertThat(carol.statusCode()).isEqualTo(403);
    assertThat(carol.body()).contains("replayer role");
  }

  @Test
  void everyPostWithoutTheTokenIsRefusedTheLedgerSearchToo() throws Exception {
    HttpResponse<String> ledger = post("/ledger", "q=someone%40example.org", "X-Forwarded-User", "carol");
    assertThat(ledger.statusCode()).isEqualTo(403);
    assertThat(ledger.body()).contains("CSRF");
    HttpResponse<String> replay = post("/replay", "class=PERMANENT&reason=x&mode=replay", "X-Forwarded-User", "bob");
    assertThat(replay.statusCode()).isEqualTo(403);
    assertThat(replay.body()).contains("CSRF");
    assertThat(post("/replay", "class=PERMANENT&reason=x&mode=replay&csrf=" + token("carol"), "X-Forwarded-User",
        "bob").statusCode()).as("another user's token").isEqualTo(403);
    assertThat(post("/accounts", "csrf=forged", "X-Forwarded-User", "bob").statusCode()).isEqualTo(403);
  }

  @Test
  void aRequestTheConsoleCannotServeIsAnsweredWithWhy() throws Exception {
    HttpResponse<String> noId = get("/notification", "X-Forwarded-User", "carol");
    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(noId.body()).contains("which notification?");
    assertThat(get("/no-such-page", "X-Forwarded-User", "carol").statusCode()).isEqualTo(404);
  }

  /** The token a user's page carries (the ledger's form has it for every user). */
  private static String token(String user) throws Exception {
    Matcher m = CSRF.matcher(get("/ledger", "X-Forwarded-User", user).body());
    assertThat(m.find()).as("the ledger form carries a CSRF token").isTrue();
    return m.group(1);
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(String path, String header, String value) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port()
        + path)).header(header, value).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String form, String header, String value) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port()
            + path)).header(header, value).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
