package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.util.HtmlEscaper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.UnsubscribeTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The provider webhook receiver: {@code POST /webhooks/ses} (Amazon SES through SNS, verified by
 * {@link SnsVerifier}) and {@code POST /webhooks/sendgrid} (verified by {@link SendGridVerifier}). A
 * request is answered 200 only once its feedback is in the sink (so the provider retries otherwise);
 * one without a signature gets 401, a wrongly signed, stale or foreign one 403, a malformed one 400 —
 * each counted by provider and reason ({@link #refusals()}, and the counter {@value #REFUSED} in the
 * registry given, which {@code notifier webhooks} serves on its management endpoint as
 * {@code notifier_webhook_requests_refused_total{provider,reason}}; accepted feedback records count in
 * {@value #ACCEPTED}, {@code notifier_webhook_feedback_accepted_total{provider}}). An SNS subscription confirmation is
 * verified and acknowledged, not followed: an operator confirms it by opening its SubscribeURL, so
 * the receiver never makes an outbound request on a caller's word. A provider left out of the config
 * answers 404. With an {@code unsubscribe} section it also serves the one-click unsubscribe links the
 * workers put in their mail ({@code /unsubscribe/TOKEN}, see {@link #unsubscribe}).
 */
public final class WebhookReceiver implements AutoCloseable {

  /** The largest request body read; a provider's batch is far smaller. */
  static final int MAX_BODY = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final SnsVerifier ses;
  private final SendGridVerifier sendgrid;
  private final UnsubscribeTokens unsubscribe;
  private final Consumer<List<Feedback>> sink;
  private final MeterRegistry registry;
  /** Stamps the feedback of one-click unsubscribes (providers' feedback carries their own time). */
  private final Clock clock;

  /** Requests refused, tagged provider and reason (unsigned, bad-signature, stale, malformed, ...). */
  public static final String REFUSED = "notifier.webhook.requests.refused";
  /** Feedback records accepted (in the sink), tagged provider. */
  public static final String ACCEPTED = "notifier.webhook.feedback.accepted";
  /** The "provider" tag, and the feedback source, of one-click unsubscribes. */
  public static final String UNSUBSCRIBE = "unsubscribe";

  /** A receiver whose counts are kept in a registry of its own (see {@link #refusals()}). */
  public WebhookReceiver(InetSocketAddress bind, SnsVerifier ses, SendGridVerifier sendgrid,
      Consumer<List<Feedback>> sink) throws IOException {
    this(bind, ses, sendgrid, null, sink, new SimpleMeterRegistry(), Clock.systemUTC());
  }

  /**
   * A receiver counting in {@code registry} (the configured providers' accepted counters start at 0) that also
   * serves one-click unsubscribe links ({@code /unsubscribe/TOKEN}) when {@code unsubscribe} is given (null: it
   * answers 404 there), stamping their feedback with {@code clock}.
   */
  public WebhookReceiver(InetSocketAddress bind, SnsVerifier ses, SendGridVerifier sendgrid,
      UnsubscribeTokens unsubscribe, Consumer<List<Feedback>> sink, MeterRegistry registry, Clock clock)
      throws IOException {
    this.clock = clock;
    this.unsubscribe = unsubscribe;
    this.ses = ses;
    this.sendgrid = sendgrid;
    this.sink = sink;
    this.registry = registry;
    if (ses != null) {
      accepted("ses");
    }
    if (sendgrid != null) {
      accepted("sendgrid");
    }
    if (unsubscribe != null) {
      accepted(UNSUBSCRIBE);
    }
    this.server = HttpServer.create(bind, 16);
    server.createContext("/webhooks/ses", e -> handle(e, "ses"));
    server.createContext("/webhooks/sendgrid", e -> handle(e, "sendgrid"));
    server.createContext("/unsubscribe/", this::unsubscribe);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Requests refused, by "provider reason". */
  public Map<String, Long> refusals() {
    Map<String, Long> out = new TreeMap<>();
    registry.find(REFUSED).counters().forEach(c -> out.put(c.getId().getTag("provider") + " "
        + c.getId().getTag("reason"), (long) c.count()));
    return out;
  }

  /** Feedback records accepted, by provider (those that accepted any). */
  public Map<String, Long> accepted() {
    Map<String, Long> out = new TreeMap<>();
    registry.find(ACCEPTED).counters().stream().filter(c -> c.count() > 0)
        .forEach(c -> out.put(c.getId().getTag("provider"), (long) c.count()));
    return out;
  }

  private Counter accepted(String provider) {
    return Counter.builder(ACCEPTED).tag("provider", provider)
        .description("feedback records a provider's webhook delivered, verified and stored").register(registry);
  }

  private Counter refused(String provider, String reason) {
    return Counter.builder(REFUSED).tag("provider", provider).tag("reason", reason)
        .description("webhook requests refused: unsigned, wrongly signed, stale, foreign or malformed")
        .register(registry);
  }

  private void handle(HttpExchange e, String provider) throws IOException {
    try (e) {
      if (!"POST".equals(e.getRequestMethod())) {
        respond(e, 405, "POST only");
        return;
      }
      if (provider.equals("ses") ? ses == null : sendgrid == null) {
        respond(e, 404, provider + " webhooks are not configured here");
        return;
      }
      byte[] body = body(e.getRequestBody());
      try {
        List<Feedback> feedback = provider.equals("ses") ? ses(body) : sendgrid(e, body);
        try {
          sink.accept(feedback);
        } catch (RuntimeException failed) {
          respond(e, 503, "feedback not stored; send it again later");
          return;
        }
        accepted(provider).increment(feedback.size());
        respond(e, 200, "accepted " + feedback.size() + " feedback record(s)");
      } catch (Refusal r) {
        refused(provider, r.reason()).increment();
        int status = switch (r.reason()) {
          case "unsigned" -> 401;
          case "malformed" -> 400;
          default -> 403;
        };
        respond(e, status, r.getMessage());
      }
    }
  }

  /**
   * {@code /unsubscribe/TOKEN}: a POST (RFC 8058's one-click, from the mail client, or the button of
   * the page a GET shows) writes an {@code UNSUBSCRIBE} feedback record for the token's address and
   * category and answers 200 once it is stored. A GET only shows that page: mail scanners and link
   * previews open every link in a message, so opening one must change nothing. The POST's body is
   * not checked beyond its size: RFC 8058 clients send {@code List-Unsubscribe=One-Click} form-encoded
   * or as multipart/form-data, and the token alone says who and what. A token that is not one this
   * key minted, or was changed, is refused with 403 and counted
   * ({@code provider=unsubscribe, reason=bad-token}).
   */
  private void unsubscribe(HttpExchange e) throws IOException {
    try (e) {
      if (unsubscribe == null) {
        respond(e, 404, "unsubscribe links are not configured here");
        return;
      }
      String method = e.getRequestMethod();
      if (!"POST".equals(method) && !"GET".equals(method)) {
        e.getResponseHeaders().set("Allow", "GET, POST");
        respond(e, 405, "GET or POST only");
        return;
      }
      String token = e.getRequestURI().getRawPath().substring("/unsubscribe/".length());
      java.util.Optional<UnsubscribeTokens.Claim> claim = unsubscribe.verify(token);
      if (claim.isEmpty()) {
        body(e.getRequestBody());
        refused(UNSUBSCRIBE, "bad-token").increment();
        respond(e, 403, "this unsubscribe link is not valid");
        return;
      }
      String category = claim.get().category();
      if ("GET".equals(method)) {
        page(e, 200, "Unsubscribe", "<p>Stop receiving <b>" + html(category) + "</b> notifications at this "
            + "address?</p><form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" "
            + "value=\"One-Click\"><button type=\"submit\">Unsubscribe</button></form>");
        return;
      }
      body(e.getRequestBody());
      Feedback f = Feedback.newBuilder().setAddress(claim.get().address()).setKind(FeedbackKind.UNSUBSCRIBE)
          .setNotificationId(claim.get().notificationId()).setCategory(category)
          .setDiagnostic("one-click unsubscribe from " + category).setSource(UNSUBSCRIBE).setAt(clock.instant())
          .build();
      try {
        sink.accept(List.of(f));
      } catch (RuntimeException failed) {
        respond(e, 503, "not stored; try again later");
        return;
      }
      accepted(UNSUBSCRIBE).increment();
      page(e, 200, "Unsubscribed", "<p>You will no longer receive <b>" + html(category)
          + "</b> notifications at this address.</p>");
    }
  }

  private static String html(String text) {
    java.io.StringWriter out = new java.io.StringWriter();
    HtmlEscaper.escape(text, out);
    return out.toString();
  }

  private static void page(HttpExchange e, int status, String title, String body) throws IOException {
    byte[] bytes = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body>"
        + body + "</body></html>\n").getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    e.getResponseHeaders().set("Cache-Control", "no-store");
    e.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    e.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; form-action 'self'");
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  private List<Feedback> ses(byte[] body) throws Refusal {
    JsonNode m;
    try {
      m = JSON.readTree(body);
    } catch (IOException ex) {
      throw new Refusal("malformed", "the request is not an SNS message (not JSON)");
    }
    if (m == null || !m.isObject()) {
      throw new Refusal("malformed", "the request is not an SNS message");
    }
    ses.verify(m);
    if (!"Notification".equals(m.path("Type").asText())) {
      return List.of(); // a (verified) subscription confirmation: an operator confirms it by hand
    }
    try {
      return SesEvents.read(m.path("Message").asText(), java.time.Instant.parse(m.path("Timestamp").asText()));
    } catch (java.time.format.DateTimeParseException e) {
      throw new Refusal("malformed", "the SNS message's Timestamp is not an ISO-8601 time");
    }
  }

  private List<Feedback> sendgrid(HttpExchange e, byte[] body) throws Refusal {
    sendgrid.verify(e.getRequestHeaders().getFirst(SendGridVerifier.SIGNATURE),
        e.getRequestHeaders().getFirst(SendGridVerifier.TIMESTAMP), body);
    return SendGridEvents.read(body);
  }

  private static byte[] body(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    return bytes.length > MAX_BODY ? new byte[0] : bytes;
  }

  private static void respond(HttpExchange e, int status, String text) throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
