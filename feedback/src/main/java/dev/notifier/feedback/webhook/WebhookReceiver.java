package dev.notifier.feedback.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.notifier.avro.Feedback;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The provider webhook receiver: {@code POST /webhooks/ses} (Amazon SES through SNS, verified by
 * {@link SnsVerifier}) and {@code POST /webhooks/sendgrid} (verified by {@link SendGridVerifier}). A
 * request is answered 200 only once its feedback is in the sink (so the provider retries otherwise);
 * one without a signature gets 401, a wrongly signed, stale or foreign one 403, a malformed one 400 —
 * each counted by provider and reason ({@link #refusals()}). An SNS subscription confirmation is
 * verified and acknowledged, not followed: an operator confirms it by opening its SubscribeURL, so
 * the receiver never makes an outbound request on a caller's word. A provider left out of the config
 * answers 404.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** The largest request body read; a provider's batch is far smaller. */
  static final int MAX_BODY = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final SnsVerifier ses;
  private final SendGridVerifier sendgrid;
  private final Consumer<List<Feedback>> sink;
  private final ConcurrentMap<String, AtomicLong> refused = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> accepted = new ConcurrentHashMap<>();

  public WebhookReceiver(InetSocketAddress bind, SnsVerifier ses, SendGridVerifier sendgrid,
      Consumer<List<Feedback>> sink) throws IOException {
    this.ses = ses;
    this.sendgrid = sendgrid;
    this.sink = sink;
    this.server = HttpServer.create(bind, 16);
    server.createContext("/webhooks/ses", e -> handle(e, "ses"));
    server.createContext("/webhooks/sendgrid", e -> handle(e, "sendgrid"));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Requests refused, by "provider reason". */
  public Map<String, Long> refusals() {
    Map<String, Long> out = new TreeMap<>();
    refused.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Feedback records accepted, by provider. */
  public Map<String, Long> accepted() {
    Map<String, Long> out = new TreeMap<>();
    accepted.forEach((k, v) -> out.put(k, v.get()));
    return out;
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
        accepted.computeIfAbsent(provider, k -> new AtomicLong()).addAndGet(feedback.size());
        respond(e, 200, "accepted " + feedback.size() + " feedback record(s)");
      } catch (Refusal r) {
        refused.computeIfAbsent(provider + " " + r.reason(), k -> new AtomicLong()).incrementAndGet();
        int status = switch (r.reason()) {
          case "unsigned" -> 401;
          case "malformed" -> 400;
          default -> 403;
        };
        respond(e, status, r.getMessage());
      }
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
