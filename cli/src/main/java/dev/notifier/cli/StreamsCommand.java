package dev.notifier.cli;

import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.management.ManagementServer;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.cli.management.StreamsHealth;
import dev.notifier.streams.StreamsApp;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Runs the Kafka Streams topology until SIGTERM, with its metrics and health on the management
 * endpoint (ready once Kafka Streams is RUNNING). On SIGTERM Kafka Streams closes within
 * {@link StreamsApp#CLOSE_TIMEOUT}; the management endpoint stops last, so the readiness probe sees the
 * app go down.
 */
@Command(name = "streams", mixinStandardHelpOptions = true,
    description = "Run the topology: events -> notifications on the send topic.")
final class StreamsCommand implements Callable<Integer> {

  @Mixin
  RoleOptions options;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    NotifierConfig cfg = options.load();
    CountDownLatch done = new CountDownLatch(1);
    try (ProcessMetrics metrics = new ProcessMetrics()) {
      StreamsApp app = new StreamsApp(cfg.kafka(), cfg.streams(), cfg.router(), metrics.registry(),
          cfg.keyring(System::getenv));
      ManagementServer server;
      try {
        server = ManagementServer.start(cfg.management(), metrics, new StreamsHealth(app::state));
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          app.close();
        } finally {
          server.close();
          done.countDown();
        }
      }, "notifier-streams-shutdown"));
      app.start();
      // a stream thread that died leaves Kafka Streams in ERROR: exit non-zero so the supervisor restarts
      // the instance (liveness would say so too, but not every supervisor probes)
      while (!done.await(1, TimeUnit.SECONDS)) {
        if (app.state() == KafkaStreams.State.ERROR) {
          spec.commandLine().getErr().println("notifier: " + app.fatalReason().map(why -> why + "; exiting")
              .orElse("Kafka Streams stopped with an error (see the log above); exiting so that the instance is "
                  + "restarted"));
          return 1;
        }
      }
    }
    return 0;
  }
}
