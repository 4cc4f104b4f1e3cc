package dev.notifier.testkit.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.testkit.ChildTemp;
import dev.notifier.testkit.net.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A real schema registry: Apicurio Registry's prebuilt distribution ({@code io.apicurio:apicurio-registry-app},
 * classifier {@code all}, a Quarkus application) run as a separate process on 127.0.0.1 with in-memory H2
 * storage, reached through its Confluent-compatible API ({@code /apis/ccompat/v7}) behind a
 * {@link RegistryFront} that counts requests and can take it down. It needs a JDK 21 or newer
 * ({@link Jdks}) and the unpacked distribution: the system property {@value #HOME_PROPERTY} (the cli
 * module's build unpacks it into {@code target/apicurio}) or the variable {@code NOTIFIER_APICURIO_HOME}.
 * Like a Confluent registry it starts with the global compatibility level BACKWARD (Apicurio's own default
 * is no rule at all).
 */
public final class ApicurioRegistry implements Registry {

  public static final String HOME_PROPERTY = "notifier.apicurio.home";
  private static final String API = "/apis/ccompat/v7";
  private static final String SCHEMA_JSON = "application/vnd.schemaregistry.v1+json";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final String direct;
  private final RegistryFront front;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread reaper;

  private ApicurioRegistry(Process process, Path log, String direct) {
    this.process = process;
    this.log = log;
    this.direct = direct;
    this.front = new RegistryFront(direct);
    this.reaper = new Thread(this::kill, "apicurio-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Why Apicurio cannot be started here, or empty when it can. */
  public static Optional<String> unavailable() {
    if (home().isEmpty()) {
      return Optional.of("Apicurio Registry's distribution is not unpacked: set -D" + HOME_PROPERTY
          + " or NOTIFIER_APICURIO_HOME to the directory holding quarkus-run.jar (the cli module's build unpacks "
          + "io.apicurio:apicurio-registry-app:tar.gz:all into target/apicurio)");
    }
    if (java().isEmpty()) {
      return Optional.of("Apicurio Registry 3 needs a JDK 21 or newer and none was found (JAVA_HOME, /usr/lib/jvm, "
          + "or NOTIFIER_APICURIO_JAVA naming its home)");
    }
    return Optional.empty();
  }

  /** Starts Apicurio and waits until its Confluent-compatible API answers (a few seconds; at most two minutes). */
  public static ApicurioRegistry start() {
    unavailable().ifPresent(why -> {
      throw new IllegalStateException(why);
    });
    Path home = home().orElseThrow();
    int[] ports = FreePorts.distinct(2);
    int port = ports[0];
    int management = ports[1];
    try {
      Path log = Files.createTempFile("apicurio-", ".log");
      List<String> command = List.of(java().orElseThrow().toString(), "-Xmx384m", "-XX:+UseSerialGC", ChildTemp.jvmOption(),
          "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
          "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + management,
          "-Dapicurio.storage.kind=sql", "-Dapicurio.storage.sql.kind=h2",
          "-Dquarkus.http.access-log.enabled=false", "-Dquarkus.log.level=WARN",
          "-jar", "quarkus-run.jar");
      Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      ApicurioRegistry registry = new ApicurioRegistry(process, log, "http://127.0.0.1:" + port);
      try {
        registry.awaitReady();
        registry.send("PUT", API + "/config", "{\"compatibility\":\"BACKWARD\"}");
      } catch (RuntimeException e) {
        registry.close();
        throw e;
      }
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Apicurio Registry from " + home, e);
    }
  }

  @Override
  public String url() {
    return front.url() + API;
  }

  @Override
  public void down() {
    front.down();
  }

  @Override
  public void up() {
    front.up();
  }

  @Override
  public int requests() {
    return front.requests();
  }

  @Override
  public int register(String subject, String schema) {
    JsonNode answer = send("POST", API + "/subjects/" + encode(subject) + "/versions",
        JSON.createObjectNode().put("schema", schema).toString());
    return answer.get("id").asInt();
  }

  @Override
  public String schema(int id) {
    HttpResponse<String> response = exchange("GET", API + "/schemas/ids/" + id, null);
    if (response.statusCode() == 404) {
      return null;
    }
    return parse(response).get("schema").asText();
  }

  @Override
  public void compatibility(String subject, CompatibilityLevel level) {
    send("PUT", API + "/config/" + encode(subject), "{\"compatibility\":\"" + level.name() + "\"}");
  }

  /**
   * The global id of {@code subject}'s latest version: Apicurio's own number for it, which its serializers
   * write in the {@code apicurio.value.globalId} header — not the content id the Confluent-compatible API gives.
   */
  public long globalId(String subject) {
    return send("GET", "/apis/registry/v3/groups/default/artifacts/" + encode(subject) + "/versions/branch=latest",
        null).get("globalId").asLong();
  }

  @Override
  public void close() {
    front.close();
    kill();
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a temporary file
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // shutting down already: the hook runs
    }
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + " while starting:\n"
            + tail());
      }
      try {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(direct + API + "/subjects"))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Apicurio Registry started", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Apicurio Registry started", e);
      }
    }
    throw new IllegalStateException("Apicurio Registry did not answer within " + START_TIMEOUT.toSeconds() + " s:\n"
        + tail());
  }

  private JsonNode send(String method, String path, String body) {
    HttpResponse<String> response = exchange(method, path, body);
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return parse(response);
  }

  private HttpResponse<String> exchange(String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(direct + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", SCHEMA_JSON).header("Accept", SCHEMA_JSON + ", application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " at Apicurio Registry", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Apicurio Registry answered what is not JSON: " + response.body(), e);
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }

  private static Optional<Path> home() {
    for (String named : new String[] {System.getProperty(HOME_PROPERTY), System.getenv("NOTIFIER_APICURIO_HOME")}) {
      if (named != null && !named.isBlank() && Files.isRegularFile(Path.of(named, "quarkus-run.jar"))) {
        return Optional.of(Path.of(named));
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> java() {
    return Jdks.atLeast(21, "notifier.apicurio.java", "NOTIFIER_APICURIO_JAVA");
  }
}
