package dev.notifier.streams;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.streams.route.AccountRouter;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.kafka.ConsumerGroups;
import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instances of the streams app on a real broker, with the product's group settings (none passed): an instance that
 * stops leaves the group at once, so the others take its tasks, and a restart of the only instance is let in,
 * without waiting out its session. Kafka Streams' own close does not leave: the stopped member then stays in the
 * group until its session passes (6 s here, Kafka Streams' default 45 s), and its tasks' mail waits as long.
 */
class StreamsMembershipIntegrationTest {

  private static final String APP = "membership-it";
  /** Well under the 6 s session a member that only stopped heartbeating keeps (the last beat up to 1 s before). */
  private static final Duration AT_ONCE = Duration.ofSeconds(3);
  private static final Duration START = Duration.ofSeconds(60);

  private static EmbeddedKafka kafka;
  private static KafkaSettings settings;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(4).start();
    settings = new KafkaSettings(kafka.bootstrapServers(), "membership.", Map.of());
    kafka.createTopics(TopicLayout.of(4).newTopics(Topics.withPrefix("membership.")));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void anInstanceThatStopsLeavesTheGroupAtOnceAndARestartIsLetInAtOnce() throws Exception {
    try (Admin admin = kafka.admin()) {
      // Step 1: two instances share the tasks
      StreamsApp first = started();
      StreamsApp second = started();
      Await.until(START, "both instances in the group, each with tasks", () -> ConsumerGroups.members(admin, APP) == 2
          && !active(first).isEmpty() && !active(second).isEmpty());
      Set<TaskId> all = new HashSet<>(active(first));
      all.addAll(active(second));

      // Step 2: the first stops: it leaves, and the second takes every task
      long closing = System.nanoTime();
      first.close();
      Await.until(AT_ONCE, "the stopped instance out of the group", () -> ConsumerGroups.members(admin, APP) == 1);
      Await.until(START, "every task on the second instance", () -> active(second).equals(all));
      System.out.printf("membership: the second instance held all %d tasks %.1f s after the first began to close%n",
          all.size(), (System.nanoTime() - closing) / 1e9);

      // Step 3: the only instance stops and starts again (a config change): the restart is let in at once
      second.close();
      Await.until(AT_ONCE, "the group empty once its only instance stopped", () -> ConsumerGroups.members(admin, APP) == 0);
      long restarting = System.nanoTime();
      try (StreamsApp restarted = started()) {
        Await.until(START, "every task on the restarted instance", () -> active(restarted).equals(all));
        System.out.printf("membership: the restarted instance held all %d tasks %.1f s after it started%n",
            all.size(), (System.nanoTime() - restarting) / 1e9);
      }
    }
  }

  private static StreamsApp started() throws Exception {
    StreamsApp app = new StreamsApp(settings, StreamsSettings.defaults().withApplicationId(APP)
        .withStateDir(Files.createTempDirectory(APP).toString()), AccountRouter.single("default"));
    app.start();
    return app;
  }


  private static Set<TaskId> active(StreamsApp app) {
    Set<TaskId> tasks = new HashSet<>();
    for (ThreadMetadata thread : app.streams().metadataForLocalThreads()) {
      thread.activeTasks().stream().map(TaskMetadata::taskId).forEach(tasks::add);
    }
    return tasks;
  }
}
