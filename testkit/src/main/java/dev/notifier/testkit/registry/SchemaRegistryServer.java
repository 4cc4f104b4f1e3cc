package dev.notifier.testkit.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * An in-memory schema registry on 127.0.0.1 that follows the documented REST contract of Confluent's
 * Schema Registry for what producers and consumers call: register a schema under a subject
 * ({@code POST /subjects/{s}/versions} → {@code {"id": n}}, one id per distinct schema text), look one
 * up ({@code POST /subjects/{s}}), the latest version ({@code GET /subjects/{s}/versions/latest}), a
 * schema by id ({@code GET /schemas/ids/{id}}, 404 with {@code error_code} 40403 when unknown), the
 * subjects ({@code GET /subjects}), whether a schema could be the next version
 * ({@code POST /compatibility/subjects/{s}/versions/latest}, with {@code ?verbose=true} the reasons),
 * the compatibility level ({@code GET/PUT /config} and {@code /config/{s}}, default BACKWARD, see
 * {@link CompatibilityLevel}); registering over HTTP is refused (409) when the level forbids it.
 * Schemas are the same schema when Avro parses them to the same schema (whitespace aside). Errors
 * are {@code {"error_code": ..., "message": ...}}. For
 * tests: {@link #down()} makes it answer 503 to everything until {@link #up()}; {@link #requireBasicAuth} and
 * {@link #requireBearerToken} refuse requests without the credentials. Requests are counted.
 */
public final class SchemaRegistryServer implements Registry {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "schema-registry");
    t.setDaemon(true);
    return t;
  });
  private final Map<Integer, String> schemasById = new LinkedHashMap<>();
  private final Map<String, Integer> idsBySchema = new LinkedHashMap<>();
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
  private final Map<String, CompatibilityLevel> levels = new LinkedHashMap<>();
  private volatile CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean down;
  private volatile String requiredAuthorization;

  private SchemaRegistryServer(HttpServer server) {
    this.server = server;
  }

  public static SchemaRegistryServer start() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      SchemaRegistryServer registry = new SchemaRegistryServer(http);
      http.createContext("/", registry::handle);
      http.setExecutor(registry.executor);
      http.start();
      return registry;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the schema registry on 127.0.0.1", e);
    }
  }

  @Override
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers 503 to every request until {@link #up()}. */
  @Override
  public void down() {
    down = true;
  }

  @Override
  public void up() {
    down = false;
  }

  public void requireBasicAuth(String user, String password) {
    requiredAuthorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public void requireBearerToken(String token) {
    requiredAuthorization = "Bearer " + token;
  }

  @Override
  public int requests() {
    return requests.get();
  }

  /** The global compatibility level (PUT /config), for subjects without their own. */
  public void compatibility(CompatibilityLevel level) {
    globalLevel = level;
  }

  /** The compatibility level of {@code subject} (PUT /config/{subject}). */
  @Override
  public synchronized void compatibility(String subject, CompatibilityLevel level) {
    levels.put(subject, level);
  }

  /**
   * Registers {@code schema} (Avro JSON) under {@code subject} without a compatibility check, as a
   * producer would have while the level was NONE (tests set up any history this way); returns its id.
   */
  @Override
  public synchronized int register(String subject, String schema) {
    String key = key(schema);
    Integer id = idsBySchema.get(key);
    if (id == null) {
      id = schemasById.size() + 1;
      schemasById.put(id, schema);
      idsBySchema.put(key, id);
    }
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      requests.incrementAndGet();
      if (down) {
        reply(exchange, 503, error(50003, "the registry is unavailable"));
        return;
      }
      if (requiredAuthorization != null && !requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        reply(exchange, 401, error(40101, "Unauthorized"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      String body = body(exchange);
      Matcher m;
      if (method.equals("GET") && (m = Pattern.compile("/schemas/ids/(\\d+)").matcher(path)).matches()) {
        String schema = schemaById(Integer.parseInt(m.group(1)));
        reply(exchange, schema == null ? 404 : 200, schema == null ? error(40403, "Schema " + m.group(1)
            + " not found") : "{\"schema\":" + quote(schema) + "}");
      } else if (method.equals("POST") && (m = Pattern.compile("/subjects/([^/]+)/versions").matcher(path)).matches()) {
        reply(exchange, 200, "{\"id\":" + registerChecked(m.group(1), schemaOf(body)) + "}");
      } else if (method.equals("POST")
          && (m = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest").matcher(path)).matches()) {
        reply(exchange, 200, compatible(m.group(1), schemaOf(body), "verbose=true".equals(
            exchange.getRequestURI().getQuery())));
      } else if ((m = Pattern.compile("/config(?:/([^/]+))?").matcher(path)).matches()) {
        reply(exchange, 200, config(method, m.group(1), body));
      } else if (method.equals("POST") && (m = Pattern.compile("/subjects/([^/]+)").matcher(path)).matches()) {
        reply(exchange, 200, lookup(m.group(1), schemaOf(body)));
      } else if (method.equals("GET")
          && (m = Pattern.compile("/subjects/([^/]+)/versions/latest").matcher(path)).matches()) {
        reply(exchange, 200, latest(m.group(1)));
      } else if (method.equals("GET") && path.equals("/subjects")) {
        reply(exchange, 200, subjectsJson());
      } else {
        reply(exchange, 404, error(404, "no such endpoint: " + method + " " + path));
      }
    } catch (ApiError e) {
      // the error is answered before the exchange closes
      reply(exchange, e.code < 1000 ? e.code : e.code / 100, error(e.code, e.getMessage()));
    } finally {
      exchange.close();
    }
  }

  private synchronized int registerChecked(String subject, String schema) {
    Integer id = idsBySchema.get(key(schema));
    List<Integer> versions = subjects.getOrDefault(subject, List.of());
    if (id != null && versions.contains(id)) {
      return id;
    }
    if (!problems(subject, schema).isEmpty()) {
      throw new ApiError(409, "Schema being registered is incompatible with an earlier schema for subject \""
          + subject + "\"");
    }
    return register(subject, schema);
  }

  private synchronized String compatible(String subject, String schema, boolean verbose) {
    if (!subjects.containsKey(subject)) {
      throw new ApiError(40401, "Subject '" + subject + "' not found.");
    }
    List<String> problems = problems(subject, schema);
    StringBuilder json = new StringBuilder("{\"is_compatible\":" + problems.isEmpty());
    if (verbose) {
      json.append(",\"messages\":[");
      problems.forEach(p -> json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append(quote(p)));
      json.append(']');
    }
    return json.append('}').toString();
  }

  private List<String> problems(String subject, String schema) {
    List<Schema> registered = subjects.getOrDefault(subject, List.of()).stream()
        .map(id -> new Schema.Parser().parse(schemasById.get(id))).toList();
    return levels.getOrDefault(subject, globalLevel).problems(parse(schema), registered);
  }

  private synchronized String config(String method, String subject, String body) throws IOException {
    if (method.equals("PUT")) {
      String name = JSON.readTree(body).path("compatibility").asText("");
      CompatibilityLevel level;
      try {
        level = CompatibilityLevel.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new ApiError(42203, "Invalid compatibility level: " + name);
      }
      if (subject == null) {
        globalLevel = level;
      } else {
        levels.put(subject, level);
      }
      return "{\"compatibility\":" + quote(level.name()) + "}";
    }
    CompatibilityLevel level = subject == null ? globalLevel : levels.get(subject);
    if (level == null) {
      throw new ApiError(40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
    return "{\"compatibilityLevel\":" + quote(level.name()) + "}";
  }

  private static Schema parse(String schema) {
    try {
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException e) {
      throw new ApiError(42201, "Invalid schema: " + e.getMessage());
    }
  }

  /** Two texts are the same schema when Avro parses them alike. */
  private static String key(String schema) {
    return parse(schema).toString();
  }

  /** The schema text registered with {@code id}, or null. */
  @Override
  public String schema(int id) {
    return schemaById(id);
  }

  private synchronized String schemaById(int id) {
    return schemasById.get(id);
  }

  private synchronized String lookup(String subject, String schema) {
    Integer id = idsBySchema.get(key(schema));
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new ApiError(40401, "Subject '" + subject + "' not found.");
    }
    if (id == null || !versions.contains(id)) {
      throw new ApiError(40403, "Schema not found");
    }
    return "{\"subject\":" + quote(subject) + ",\"version\":" + (versions.indexOf(id) + 1) + ",\"id\":" + id
        + ",\"schema\":" + quote(schema) + "}";
  }

  private synchronized String latest(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new ApiError(40401, "Subject '" + subject + "' not found.");
    }
    int id = versions.get(versions.size() - 1);
    return "{\"subject\":" + quote(subject) + ",\"version\":" + versions.size() + ",\"id\":" + id + ",\"schema\":"
        + quote(schemasById.get(id)) + "}";
  }

  private synchronized String subjectsJson() {
    StringBuilder sb = new StringBuilder("[");
    subjects.keySet().forEach(s -> sb.append(sb.length() == 1 ? "" : ",").append(quote(s)));
    return sb.append(']').toString();
  }

  private static String schemaOf(String body) {
    try {
      String schema = JSON.readTree(body).path("schema").asText(null);
      if (schema != null) {
        return schema;
      }
    } catch (IOException e) {
      // answered below
    }
    throw new ApiError(42201, "Invalid schema: the request has no schema");
  }

  private static String body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String error(int code, String message) {
    return "{\"error_code\":" + code + ",\"message\":" + quote(message) + "}";
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class ApiError extends RuntimeException {
    private final int code;

    ApiError(int code, String message) {
      super(message);
      this.code = code;
    }
  }
}
