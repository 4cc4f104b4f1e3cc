package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code notifier streams} as a supervisor sees it: when Kafka Streams stops with an error at run
 * time (here: its input topic is deleted under it), the command ends with exit code 1 instead of
 * idling in ERROR, so the instance gets restarted.
 */
class StreamsCommandIntegrationTest {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(1).start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void aKafkaStreamsErrorEndsTheCommandWithExitCode1() throws Exception {
    Topics topics = Topics.standard();
    kafka.createTopics(TopicLayout.of(1).newTopics(topics));
    Path state = Files.createTempDirectory("streams-command-state");
    Path config = Files.createTempFile("notifier-", ".yaml");
    Files.writeString(config, String.join("\n",
        "kafka:",
        "  bootstrapServers: " + kafka.bootstrapServers(),
        "accounts:",
        "  - id: local",
        "    systemDefault: true",
        "    host: 127.0.0.1",
        "    port: 2525",
        "    security: none",
        "    from: noreply@example.com",
        "streams:",
        "  applicationId: streams-command-it",
        "  stateDir: " + state,
        "management:",
        "  host: 127.0.0.1",
        "  port: 0",
        ""));
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        NotifierCommand.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "streams", "--config", config.toString()));

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Await.until(Duration.ofSeconds(60), "the app's consumer group stable with members",
          () -> isStable(admin, "streams-command-it"));
      assertThat(exit).as("still running while healthy").isNotDone();
      admin.deleteTopics(List.of(topics.events().name())).all().get(30, TimeUnit.SECONDS);
    }

    assertThat(exit.get(90, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(err.toString()).contains("Kafka Streams stopped with an error");
  }

  /** Whether {@code group} is STABLE with members; false while it does not exist yet. */
  private static boolean isStable(Admin admin, String group) {
    try {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
          .get(10, TimeUnit.SECONDS);
      return d.groupState() == GroupState.STABLE && !d.members().isEmpty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false;
      }
      throw new IllegalStateException("cannot describe group " + group + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot describe group " + group + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted describing group " + group, e);
    }
  }
}
