package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.cli.management.Management;
import dev.notifier.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;

/**
 * The stack as deploy/compose.yaml runs it, each part in its own container on one network, from the images this
 * build made (no registry): the broker (notifier-kafka, with compose's environment), the inbox (the testkit's SMTP
 * server from the notifier image, with compose's entry point), the streams app and two workers (the notifier
 * image with compose's config, unchanged). The demo's directory and events go in through {@code notifier publish}
 * in containers; the demo's mail must reach the inbox container. Then every operator command runs in a container
 * against that stack. No container may log an ERROR line: {@code streams} once did at start, unable to set the
 * permissions of its state directory. Needs a container engine ({@link ContainerEngine}).
 *
 * <p>Step 1 starts the broker and the inbox and creates the topics with the image's {@code topics create}; step 2
 * publishes the directory and starts streams (its global tables are loaded before it is ready) and the workers;
 * step 3 publishes the events and waits for the mail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifierStackIntegrationTest {

  /** What the demo's events send: `notifier demo` counts 18 sent; its own SMTP server refuses one more, this inbox none. */
  static final int DEMO_MAILS = 18;
  static final String CONFIG = Management.CONFIG_PATH;
  static final Duration ONE_SHOT = Duration.ofMinutes(2);

  static final Network network = Network.newNetwork();
  static final List<GenericContainer<?>> started = new ArrayList<>();
  static GenericContainer<?> kafka;
  static GenericContainer<?> smtp;
  static GenericContainer<?> streams;
  static List<GenericContainer<?>> workers;
  static String config;

  @BeforeAll
  static void startStack() throws Exception {
    ContainerEngine.require();
    JsonNode compose = Manifests.fromBuild().single("compose.yaml").path("services");
    config = Files.readString(Manifests.fromBuild().path("notifier.compose.yaml"));

    // Step 1: the broker and the inbox, as compose runs them; then the topics
    kafka = ContainerEngine.container(ContainerEngine.KAFKA_IMAGE, 768).withNetwork(network).withNetworkAliases("kafka")
        .withEnv(environment(compose.path("kafka")))
        .waitingFor(Wait.forLogMessage(".*Kafka node 1 ready.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
    List<String> inbox = texts(compose.path("smtp").path("entrypoint"));
    smtp = ContainerEngine.container(ContainerEngine.IMAGE, 256).withNetwork(network).withNetworkAliases("smtp")
        .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(inbox).withCmd(List.of()))
        .waitingFor(Wait.forLogMessage(".*SMTP READY.*", 1).withStartupTimeout(Duration.ofMinutes(1)));
    start(kafka, smtp);
    oneShot("topics", "create", "--config", CONFIG, "--timeout", "60s");

    // Step 2: the directory first, so that streams has it in its global tables once RUNNING (ready)
    publish("users.jsonl", "users");
    publish("groups.jsonl", "groups");
    streams = role("streams", 1024);
    workers = List.of(role("worker", 512), role("worker", 512));
    List<GenericContainer<?>> roles = new ArrayList<>(workers);
    roles.add(streams);
    start(roles.toArray(GenericContainer<?>[]::new));
  }

  @AfterAll
  static void stopStack() {
    started.forEach(GenericContainer::stop);
    network.close();
  }

  @Test
  @Order(1)
  void demoEventsBecomeMailInTheInbox() throws Exception {
    // Step 3: the events; every notification reaches the inbox through a worker container
    publish("events.jsonl", "events");
    publish("events-avro.jsonl", "events", "--avro");
    Await.forValue(Duration.ofMinutes(2), DEMO_MAILS + " mails in the inbox", NotifierStackIntegrationTest::received,
        total -> total >= DEMO_MAILS, Duration.ofSeconds(1));

    HttpClient http = HttpClient.newHttpClient();
    assertThat(get(http, streams, Management.METRICS_PATH)).contains("notifier_events_in_total")
        .contains("notifier_ready 1.0");
    for (GenericContainer<?> worker : workers) {
      assertThat(get(http, worker, Management.READINESS_PATH)).startsWith("ready");
    }
    assertThat(get(http, workers.get(0), Management.METRICS_PATH) + get(http, workers.get(1), Management.METRICS_PATH))
        .as("the workers' sends").contains("notifier_sends_total{").contains("outcome=\"sent\"");
  }

  /** Each operator command in its own container against the stack: exit 0, no ERROR line. */
  @Test
  @Order(2)
  void operatorCommandsRunInContainersAgainstTheStack() {
    assertThat(oneShot("topics", "verify", "--config", CONFIG)).contains("topics exist with the configs notifier needs");
    assertThat(oneShot("status", "--config", CONFIG, "--event", "zt-bug-42-assign-1")).contains("SENT");
    oneShot("dlt", "stats", "--config", CONFIG);
    oneShot("dlt", "list", "--config", CONFIG);
    oneShot("dlt", "replay", "--config", CONFIG, "--all", "--dry-run", "--reason", "container test");
    oneShot("smtp-check", "--config", CONFIG, "--account", "inbox");
    assertThat(oneShot("schemas")).contains("DomainEvent");
  }

  @Test
  @Order(3)
  void noContainerOfTheStackLoggedAnError() {
    Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    containers.put("kafka", kafka);
    containers.put("smtp", smtp);
    containers.put("streams", streams);
    for (int i = 0; i < workers.size(); i++) {
      containers.put("worker " + (i + 1), workers.get(i));
    }
    containers.forEach((name, container) -> {
      String log = container.getLogs();
      assertThat(ContainerEngine.errorLines(log)).as(name + "'s log:\n" + log).isEmpty();
    });
  }

  private static GenericContainer<?> role(String role, long memoryMib) {
    return ContainerEngine.container(ContainerEngine.IMAGE, memoryMib).withNetwork(network)
        .withCopyToContainer(Transferable.of(config), CONFIG)
        .withCommand(role, "--config", CONFIG)
        .withExposedPorts(Management.DEFAULT_PORT)
        .waitingFor(Wait.forHttp(Management.READINESS_PATH).forPort(Management.DEFAULT_PORT).forStatusCode(200)
            .withStartupTimeout(Duration.ofMinutes(3)));
  }

  private static void start(GenericContainer<?>... containers) {
    started.addAll(List.of(containers));
    Startables.deepStart(containers).join();
  }

  /** {@code notifier publish} of a demo file in a container. */
  private static void publish(String resource, String kind, String... more) {
    List<String> command = new ArrayList<>(List.of("publish", "--config", CONFIG, "--kind", kind, "--file",
        "/demo/" + resource));
    command.addAll(List.of(more));
    Map<String, String> files = Map.of(CONFIG, config, "/demo/" + resource, demo(resource));
    ContainerEngine.Run run = ContainerEngine.run(network, files, ONE_SHOT, 384, command.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.errorLines()).as(run.output()).isEmpty();
  }

  /** Runs a notifier command with the compose config in a container on the stack's network; its output. */
  private static String oneShot(String... command) {
    ContainerEngine.Run run = ContainerEngine.run(network, Map.of(CONFIG, config), ONE_SHOT, 384, command);
    assertThat(run.exitCode()).as(String.join(" ", command) + ":\n" + run.output()).isZero();
    assertThat(run.errorLines()).as(String.join(" ", command) + ":\n" + run.output()).isEmpty();
    return run.output();
  }

  /** How many mails the inbox logged as received. */
  private static long received() {
    return smtp.getLogs().lines().filter(l -> l.startsWith("RECEIVED ")).count();
  }

  private static String demo(String resource) {
    try (InputStream in = NotifierStackIntegrationTest.class.getResourceAsStream("/demo/" + resource)) {
      assertThat(in).as("/demo/" + resource + " on the class path (the cli's resources)").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service.path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static String get(HttpClient http, GenericContainer<?> container, String path) throws Exception {
    URI uri = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(Management.DEFAULT_PORT) + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
