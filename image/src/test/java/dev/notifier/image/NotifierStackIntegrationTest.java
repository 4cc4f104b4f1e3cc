package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.cli.management.Management;
import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The image in containers, as deploy/compose.yaml runs it: Kafka (the official apache/kafka image,
 * KRaft), Mailpit as the inbox, the notifier image (loaded from the tarball Jib built) once as
 * {@code streams} and once as {@code worker}, with the compose config. The demo's directory and
 * events go in; the demo's mail must arrive in Mailpit. Needs a Docker engine: without one the
 * class is reported as skipped.
 *
 * <p>Step 1 starts Kafka and Mailpit and creates the topics with the image's {@code topics create}; step 2 publishes the directory and
 * starts streams (global tables are loaded before it is ready) and a worker; step 3 publishes the
 * events and waits for the mail.
 */
@Testcontainers(disabledWithoutDocker = true)
class NotifierStackIntegrationTest {

  static final String IMAGE = System.getProperty("image.name", "notifier:0.1.0-SNAPSHOT");
  /** What the demo's events send (`notifier demo` counts 18 sent; its own SMTP server refuses one more). */
  static final int DEMO_MAILS = 18;

  static final Network network = Network.newNetwork();
  static KafkaContainer kafka;
  static GenericContainer<?> mailpit;
  static GenericContainer<?> streams;
  static GenericContainer<?> worker;

  @BeforeAll
  static void startStack() throws Exception {
    JsonNode compose = Manifests.fromBuild().single("compose.yaml").path("services");
    // Step 1: Kafka and Mailpit, the images compose runs
    kafka = new KafkaContainer(DockerImageName.parse(compose.path("kafka").path("image").asText()))
        .withNetwork(network).withNetworkAliases("kafka").withListener("kafka:19092");
    mailpit = new GenericContainer<>(DockerImageName.parse(compose.path("mailpit").path("image").asText()))
        .withNetwork(network).withNetworkAliases("mailpit").withExposedPorts(8025)
        .waitingFor(Wait.forHttp("/api/v1/messages").forPort(8025));
    kafka.start();
    mailpit.start();
    loadImage();
    String config = Files.readString(Manifests.fromBuild().path("notifier.compose.yaml"))
        .replace("bootstrapServers: kafka:9092", "bootstrapServers: kafka:19092");
    createTopics(config);

    // Step 2: the directory first, so that streams has it in its global tables once RUNNING (ready)
    publish("users.jsonl", RecordKind.USERS, false);
    publish("groups.jsonl", RecordKind.GROUPS, false);
    streams = notifier("streams", config);
    streams.start();
    worker = notifier("worker", config);
    worker.start();
  }

  @AfterAll
  static void stopStack() {
    for (GenericContainer<?> c : new GenericContainer<?>[] {worker, streams, mailpit, kafka}) {
      if (c != null) {
        c.stop();
      }
    }
    network.close();
  }

  @Test
  void demoEventsBecomeMailInMailpit() throws Exception {
    // Step 3: the events; every notification reaches the inbox through the worker container
    publish("events.jsonl", RecordKind.EVENTS, false);
    publish("events-avro.jsonl", RecordKind.EVENTS, true);
    HttpClient http = HttpClient.newHttpClient();
    URI messages = URI.create("http://" + mailpit.getHost() + ":" + mailpit.getMappedPort(8025) + "/api/v1/messages");
    Await.forValue(Duration.ofMinutes(2), DEMO_MAILS + " mails in Mailpit", () -> inboxTotal(http, messages),
        total -> total >= DEMO_MAILS, Duration.ofSeconds(1));

    String scrape = get(http, streams, Management.METRICS_PATH);
    assertThat(scrape).contains("notifier_events_in_total").contains("notifier_ready 1.0");
    assertThat(get(http, worker, Management.READINESS_PATH)).startsWith("ready");
  }

  private static GenericContainer<?> notifier(String role, String config) {
    return new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withNetwork(network)
        .withCopyToContainer(Transferable.of(config), Management.CONFIG_PATH)
        .withCommand(role, "--config", Management.CONFIG_PATH)
        .withExposedPorts(Management.DEFAULT_PORT)
        .waitingFor(Wait.forHttp(Management.READINESS_PATH).forPort(Management.DEFAULT_PORT).forStatusCode(200)
            .withStartupTimeout(Duration.ofMinutes(2)));
  }

  private static void loadImage() throws Exception {
    Path tar = Path.of(System.getProperty("image.tar", "target/jib-image.tar"));
    try (InputStream in = Files.newInputStream(tar)) {
      DockerClientFactory.instance().client().loadImageCmd(in).exec();
    }
  }

  /** The topics, as compose's one-shot service creates them: {@code topics create} in the image; fails unless it exits 0. */
  private static void createTopics(String config) {
    try (GenericContainer<?> topics = new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withNetwork(network)
        .withCopyToContainer(Transferable.of(config), Management.CONFIG_PATH)
        .withCommand("topics", "create", "--config", Management.CONFIG_PATH)
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
      topics.start();
    }
  }

  private static void publish(String resource, RecordKind kind, boolean avro) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.getBootstrapServers());
    try (Publisher publisher = new Publisher(props, Topics.standard());
        BufferedReader lines = new BufferedReader(new InputStreamReader(
            Publisher.class.getResourceAsStream("/demo/" + resource), StandardCharsets.UTF_8))) {
      Publisher.Result result = publisher.publish(lines, kind, avro);
      assertThat(result.errors()).as("publishing " + resource).isEmpty();
      publisher.flush();
    }
  }

  /** How many messages Mailpit holds. */
  private static int inboxTotal(HttpClient http, URI messages) {
    try {
      JsonNode inbox = Manifests.JSON.readTree(http.send(HttpRequest.newBuilder(messages).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      return inbox.path("total").asInt();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + messages, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + messages, e);
    }
  }

  private static String get(HttpClient http, GenericContainer<?> container, String path) throws Exception {
    URI uri = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(Management.DEFAULT_PORT) + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
