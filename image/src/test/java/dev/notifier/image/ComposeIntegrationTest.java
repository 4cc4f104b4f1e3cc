package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.publish.Publisher;
import dev.notifier.cli.publish.RecordKind;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.RequiredTools;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose.yaml itself, run by podman-compose against the images this build made: its core services
 * (kafka, topics, streams, three workers, the smtp inbox) start, the demo's directory and events go in through the
 * broker's host listener (127.0.0.1:19092), and the demo's mail reaches the inbox container; no container logs an
 * ERROR line. podman-compose (Debian's, 1.0.3) does not wait for {@code depends_on} conditions, so the test starts
 * the services in the order those conditions give, as Docker Compose would: kafka and smtp, then the one-shot topics
 * until it exits 0, then (with the directory published) streams and the workers. {@code down -v} removes it all.
 *
 * <p>Needs podman and podman-compose (.ci/run installs them); without them the test is skipped, or fails with
 * NOTIFIER_REQUIRE_TOOLS set. Binds 127.0.0.1:19092 and 127.0.0.1:1025 on the host, as the file says.
 */
class ComposeIntegrationTest {

  static final String PROJECT = "notifier-compose-test";
  static final int DEMO_MAILS = NotifierStackIntegrationTest.DEMO_MAILS;
  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
  /** How long podman and podman-compose may take to say their versions. */
  static final Duration PROBE = Duration.ofSeconds(30);

  static Path composeFile;

  @BeforeAll
  static void upTheCoreServices() throws Exception {
    RequiredTools.require(RequiredTools.runs(PROBE, "podman", "--version")
            && RequiredTools.runs(PROBE, "podman-compose", "version"),
        "podman and podman-compose do not both work here: apt-get install podman runc podman-compose (.ci/run does)");
    composeFile = Manifests.fromBuild().path("compose.yaml");
    for (String property : List.of("image.tar", "kafka.image.tar")) {
      exec("podman", "load", "-q", "-i", System.getProperty(property));
    }
    try {
      compose("down", "-v"); // what an earlier, interrupted run left
    } catch (AssertionError nothingToRemove) {
      // nothing was left
    }

    compose("up", "-d", "kafka", "smtp");
    compose("up", "-d", "--no-deps", "topics");
    String topicsExit = exec("podman", "wait", PROJECT + "_topics_1").strip();
    assertThat(topicsExit).as("topics create's exit code:\n" + logs("topics_1")).isEqualTo("0");
    publish("users.jsonl", RecordKind.USERS, false);
    publish("groups.jsonl", RecordKind.GROUPS, false);
    compose("up", "-d", "--no-deps", "streams", "worker");
  }

  @AfterAll
  static void down() throws Exception {
    if (composeFile != null) {
      compose("down", "-v");
      exec("podman", "network", "rm", "-f", PROJECT + "_default"); // podman-compose 1.0.3's down leaves it
    }
  }

  @Test
  void demoEventsBecomeMailInTheInboxContainer() throws Exception {
    publish("events.jsonl", RecordKind.EVENTS, false);
    publish("events-avro.jsonl", RecordKind.EVENTS, true);
    Await.forValue(Duration.ofMinutes(3), DEMO_MAILS + " mails in the smtp container's log",
        () -> logs("smtp_1").lines().filter(l -> l.startsWith("RECEIVED ")).count(), n -> n >= DEMO_MAILS,
        Duration.ofSeconds(2));

    for (String container : List.of("kafka_1", "smtp_1", "streams_1", "worker_1", "worker_2", "worker_3")) {
      String log = logs(container);
      assertThat(ContainerEngine.errorLines(log)).as(container + "'s log:\n" + log).isEmpty();
    }
  }

  /** The demo's records, published from the host through compose's HOST listener. */
  private static void publish(String resource, RecordKind kind, boolean avro) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", "127.0.0.1:19092");
    try (Publisher publisher = new Publisher(props, Topics.standard());
        BufferedReader lines = new BufferedReader(new InputStreamReader(
            Publisher.class.getResourceAsStream("/demo/" + resource), StandardCharsets.UTF_8))) {
      Publisher.Result result = publisher.publish(lines, kind, avro);
      assertThat(result.errors()).as("publishing " + resource).isEmpty();
      publisher.flush();
    }
  }

  private static String logs(String container) {
    try {
      return exec("podman", "logs", PROJECT + "_" + container);
    } catch (Exception e) {
      throw new AssertionError("cannot read the log of " + container, e);
    }
  }

  private static void compose(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("podman-compose", "-p", PROJECT, "-f", composeFile.toString()));
    command.addAll(List.of(args));
    exec(command.toArray(String[]::new));
  }

  /** Runs a command to its end (at most {@link #COMMAND_TIMEOUT}); its output, or a failure naming it. */
  private static String exec(String... command) throws IOException, InterruptedException {
    File out = Files.createTempFile("compose-test", ".log").toFile();
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
      boolean done = p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String output = Files.readString(out.toPath());
      assertThat(done).as(String.join(" ", command) + " finished within " + COMMAND_TIMEOUT + ":\n" + output).isTrue();
      assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
      return output;
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }
}
