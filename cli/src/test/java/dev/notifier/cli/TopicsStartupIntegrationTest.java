package dev.notifier.cli;

import static dev.notifier.cli.ops.OpsTestSupport.run;
import static dev.notifier.cli.ops.OpsTestSupport.topicsUnder;
import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.ops.OpsTestSupport;
import dev.notifier.cli.ops.OpsTestSupport.Run;
import dev.notifier.schemas.Topics;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code notifier worker} and {@code notifier streams} whose topics are not ready stop at start-up
 * with exit code 2 and a message naming every such topic and the command that creates them, and no
 * topic appears — on a broker that, as brokers do by default, creates any topic a client asks for.
 */
@Timeout(240)
class TopicsStartupIntegrationTest {

  private static EmbeddedKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.builder().partitions(1).start();
    admin = kafka.admin();
    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
    assertThat(admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker)
        .get("auto.create.topics.enable").value()).as("the broker would auto-create topics").isEqualTo("true");
  }

  @AfterAll
  static void stopBroker() {
    admin.close();
    kafka.close();
  }

  @Test
  void aWorkerUnderANewPrefixStopsNamingItsTopicsAndCreatesNone() throws Exception {
    // Step 1: configure a prefix under which nothing exists
    String config = OpsTestSupport.configFile(kafka.bootstrapServers(), "new-worker.").toString();

    // Step 2: start a worker
    Run worker = bounded("worker", "--config", config);

    // Step 3: it stopped, naming its topics and the fix; the broker holds none of them
    assertStoppedSaying(worker, "the sender worker cannot start: its topics are not as it needs them: 19 topics "
        + "new-worker.notifier.send, new-worker.notifier.send.retry.1", "new-worker.notifier.send.wait.6h",
        "new-worker.notifier.status", "new-worker.notifier.send.usage", "new-worker.notifier.schemas",
        "new-worker.notifier.feedback do not exist");
    assertThat(topicsUnder(admin, "new-worker.")).as("topics created by a worker that did not start").isEmpty();
  }

  @Test
  void aStreamsAppUnderANewPrefixStopsNamingItsTopicsAndCreatesNone() throws Exception {
    String config = OpsTestSupport.configFile(kafka.bootstrapServers(), "new-streams.").toString();

    Run streams = bounded("streams", "--config", config);

    assertStoppedSaying(streams, "the streams app cannot start: its topics are not as it needs them: 9 topics "
        + "new-streams.notifier.events, new-streams.notifier.events.invalid", "new-streams.notifier.send");
    assertThat(streams.err()).doesNotContain("--bootstrap-server");
    assertThat(topicsUnder(admin, "new-streams.")).as("topics created by an app that did not start").isEmpty();
  }

  @Test
  void aWorkerWhoseLedgerIsNotCompactedStopsNamingIt() throws Exception {
    // Step 1: every topic created as needed, then the ledger's cleanup policy changed to delete
    String config = OpsTestSupport.configFile(kafka.bootstrapServers(), "changed.").toString();
    assertThat(run("topics", "create", "--config", config).code()).isZero();
    String status = Topics.withPrefix("changed.").status().name();
    OpsTestSupport.setTopicConfig(admin, status, "cleanup.policy", "delete");

    // Step 2: start a worker
    Run worker = bounded("worker", "--config", config);

    // Step 3: it stopped, naming the topic, what is wrong and the fix
    assertStoppedSaying(worker, "topic changed.notifier.status: cleanup.policy is delete, must be compact");
  }

  /** The command ended with exit code 2, saying each of {@code texts} and what to run. */
  private static void assertStoppedSaying(Run run, String... texts) {
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(texts).contains("Run `notifier topics create --config FILE`");
  }

  /** Runs the command, failing the test if it has not ended within 90 s (a process that did start runs on). */
  private static Run bounded(String... args) throws Exception {
    return CompletableFuture.supplyAsync(() -> run(args)).get(90, TimeUnit.SECONDS);
  }
}
