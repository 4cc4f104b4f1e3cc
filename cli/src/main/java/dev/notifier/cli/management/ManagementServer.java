package dev.notifier.cli.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.notifier.cli.management.Health.Status;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP endpoint of a {@code streams} or {@code worker} process (JDK HTTP server):
 * <ul>
 *   <li>GET {@value Management#METRICS_PATH}: every meter, Prometheus text format 0.0.4</li>
 *   <li>GET {@value Management#LIVENESS_PATH}: 200 {@code live}, or 503 {@code not live: <why>}</li>
 *   <li>GET {@value Management#READINESS_PATH}: 200 {@code ready}, or 503 {@code not ready: <why>}</li>
 * </ul>
 * Anything else is 404 (405 for a method other than GET): the endpoint is read-only, nothing it
 * serves changes the process, and it serves no addresses, credentials or message content (see the
 * README's "Security"). It listens on {@code management.host} (default every interface, for the
 * kubelet and Prometheus; {@code 127.0.0.1} keeps it on the machine). Requests are served by at most
 * {@value #THREADS} threads with {@value #QUEUE} waiting; past that the accepting thread serves the
 * request itself, which slows accepting rather than dropping or piling up work. It also registers
 * the {@code notifier.ready} gauge (1 ready, 0 not) so the scrape history shows readiness.
 *
 * <p>A role wires it as {@code notifier streams} does: one {@link ProcessMetrics} per process, whose
 * {@link ProcessMetrics#registry() registry} the role registers its meters in; then
 * {@code start(config.management(), metrics, health)} with the role's {@link Health} (several roles in
 * one process, as in the demo: {@link Health#all}); close the role first and this server last.
 */
public final class ManagementServer implements AutoCloseable {

  /** The Prometheus text format the registry writes. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  public static final String READY_GAUGE = "notifier.ready";

  static final int THREADS = 2;
  static final int QUEUE = 16;

  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final ProcessMetrics metrics;
  private final Health health;

  private ManagementServer(HttpServer server, ThreadPoolExecutor executor, ProcessMetrics metrics, Health health) {
    this.server = server;
    this.executor = executor;
    this.metrics = metrics;
    this.health = health;
  }

  /**
   * Listens on {@code settings}' host and port and serves {@code metrics} and {@code health}. The
   * metrics stay the caller's to close; {@link #close} only stops serving.
   */
  public static ManagementServer start(ManagementSettings settings, ProcessMetrics metrics, Health health) {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), QUEUE);
    } catch (IOException e) {
      throw new IllegalArgumentException("management.host " + settings.host() + ", management.port "
          + settings.port() + ": cannot listen there (" + e.getMessage() + "); give each process on one host a "
          + "port of its own (--management-port N, or management.port in the config), or use a host address of this "
          + "machine", e);
    }
    ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), daemonThreads(), new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    ManagementServer management = new ManagementServer(http, executor, metrics, health);
    Gauge.builder(READY_GAUGE, health, h -> h.ready().ok() ? 1 : 0)
        .description("1 while the process is ready (" + Management.READINESS_PATH + " answers 200), else 0")
        .strongReference(true)
        .register(metrics.registry());
    http.createContext("/", management::handle);
    http.setExecutor(executor);
    http.start();
    LOG.info("management endpoint on http://{}:{} ({}, {}, {})", settings.host(), management.port(),
        Management.METRICS_PATH, Management.LIVENESS_PATH, Management.READINESS_PATH);
    return management;
  }

  /** The port it listens on (the one picked when the settings said 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address and port it listens on: {@code management.host}'s, e.g. 127.0.0.1 to keep it on the machine. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
        return;
      }
      switch (path) {
        case Management.METRICS_PATH -> respond(exchange, 200, METRICS_CONTENT_TYPE, metrics.scrape());
        case Management.LIVENESS_PATH -> health(exchange, health.live(), "live");
        case Management.READINESS_PATH -> health(exchange, health.ready(), "ready");
        default -> respond(exchange, 404, "text/plain; charset=utf-8", "no such path: try "
            + Management.METRICS_PATH + ", " + Management.LIVENESS_PATH + " or " + Management.READINESS_PATH + "\n");
      }
    } catch (RuntimeException e) {
      // one failed request must not end the server; the caller sees the connection close
      LOG.warn("management request {} failed: {}", exchange.getRequestURI(), e.toString());
    }
  }

  private static void health(HttpExchange exchange, Status status, String what) throws IOException {
    if (status.ok()) {
      respond(exchange, 200, "text/plain; charset=utf-8",
          what + (status.reason().isEmpty() ? "" : " (" + status.reason() + ")") + "\n");
    } else {
      respond(exchange, 503, "text/plain; charset=utf-8", "not " + what + ": " + status.reason() + "\n");
    }
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if ("HEAD".equals(exchange.getRequestMethod())) {
      exchange.sendResponseHeaders(code, -1); // a HEAD response has no body
      return;
    }
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "notifier-management-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops listening and serving (requests in progress get up to a second to finish). */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    metrics.registry().find(READY_GAUGE).meters().forEach(metrics.registry()::remove);
  }
}
