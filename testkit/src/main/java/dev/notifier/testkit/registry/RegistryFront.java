package dev.notifier.testkit.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP front on 127.0.0.1 that passes every request to a real registry and its answer back, counting
 * them; while {@link #down()} it answers 503 itself, as a registry behind a load balancer does when no
 * instance is healthy. The registry behind keeps its schemas through an outage this way (a registry
 * with in-memory storage would lose them if its process were stopped).
 */
final class RegistryFront implements AutoCloseable {

  private static final List<String> PASSED_HEADERS = List.of("Content-Type", "Accept", "Authorization");

  private final String target;
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "registry-front");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean down;

  RegistryFront(String target) {
    this.target = target.replaceAll("/+$", "");
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the registry's front on 127.0.0.1", e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void down() {
    down = true;
  }

  void up() {
    down = false;
  }

  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (down) {
        answer(exchange, 503, "application/json",
            "{\"error_code\":50301,\"message\":\"the registry is down (test)\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
          .timeout(Duration.ofSeconds(30))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      for (String name : PASSED_HEADERS) {
        String value = exchange.getRequestHeaders().getFirst(name);
        if (value != null) {
          request.header(name, value);
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer(exchange, 502, "text/plain", new byte[0]);
        return;
      } catch (IOException e) {
        answer(exchange, 502, "text/plain", String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        return;
      }
      answer(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
          response.body());
    }
  }

  private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
