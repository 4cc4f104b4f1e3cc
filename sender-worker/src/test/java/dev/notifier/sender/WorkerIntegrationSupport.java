package dev.notifier.sender;

import dev.notifier.testkit.kafka.EmbeddedKafka;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The life cycle every sender-worker integration test shares: one real broker per test class, and
 * per test a {@link WorkerHarness} with topics, a group and workers of its own, closed afterwards.
 */
abstract class WorkerIntegrationSupport {

  private static EmbeddedKafka kafka;
  private static ExecutorService executor;

  /** This test's topics, group, workers and SMTP server. */
  protected WorkerHarness h;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().partitions(3).start();
    executor = WorkerHarness.workerExecutor();
  }

  @AfterAll
  static void stopBroker() {
    executor.shutdownNow();
    kafka.close();
  }

  @BeforeEach
  void isolate() {
    h = new WorkerHarness(kafka, executor);
  }

  @AfterEach
  void stopWorkersAndSmtp() throws Exception {
    h.close();
  }

  /** Replaces this test's harness with one whose topics have {@code partitions} partitions. */
  protected void usePartitions(int partitions) throws Exception {
    h.close();
    h = new WorkerHarness(kafka, executor, partitions);
  }
}
