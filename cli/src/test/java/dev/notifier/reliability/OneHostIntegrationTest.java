package dev.notifier.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.management.Management;
import dev.notifier.testkit.Await;
import dev.notifier.testkit.net.FreePorts;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * README's "Running it" on one host: a streams app and workers as separate processes, all started
 * from ONE config file. The streams app serves its metrics and health on the config's
 * {@code management.port}; each worker gets its own {@code --management-port}, so none of them exits
 * with "Address already in use" and every one answers its liveness probe.
 */
class OneHostIntegrationTest {

  @AutoClose
  private ReliabilityCluster cluster;
  @AutoClose
  private ScriptableSmtpServer smtp;

  @Test
  void aStreamsAppAndTwoWorkersFromOneConfigEachServeTheirOwnManagementPort() throws Exception {
    // Step 1: a broker, an SMTP server, and one config file with a fixed management.port
    cluster = new ReliabilityCluster("one-host").start();
    smtp = ScriptableSmtpServer.builder().start();
    int[] ports = FreePorts.distinct(3);
    int configPort = ports[0];
    int worker1Port = ports[1];
    int worker2Port = ports[2];
    Path config = cluster.config("one-host", ReliabilityCluster.localAccount("relay", smtp.port(), true, null), null,
        configPort);

    // Step 2: the streams app on the config's port, two workers on ports of their own, all at once
    Map<Integer, ManagedProcess> byPort = Map.of(
        configPort, cluster.streams("streams", config).start(),
        worker1Port, cluster.worker("worker-1", config, "--management-port", String.valueOf(worker1Port)).start(),
        worker2Port, cluster.worker("worker-2", config, "--management-port", String.valueOf(worker2Port)).start());

    // Step 3: each listens where it was told and is live there
    byPort.forEach((port, process) -> {
      assertThat(ScenarioSupport.managementPort(process)).as(process.name() + "'s management port").isEqualTo(port);
      Await.until(Duration.ofSeconds(60), process.name() + " live on " + port,
          () -> ScenarioSupport.get(port, Management.LIVENESS_PATH).statusCode() == 200);
    });
    assertThat(byPort.values()).allMatch(ManagedProcess::isAlive);
  }
}
