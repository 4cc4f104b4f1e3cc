package dev.notifier.cli;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.streams.StreamsApp;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the Kafka Streams topology until SIGTERM. */
@Command(name = "streams", description = "Run the topology: events -> notifications on the send topic.")
final class StreamsCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "YAML config file (kafka, streams sections)")
  Path config;

  @Override
  public Integer call() throws Exception {
    NotifierConfig cfg = ConfigFile.load(config);
    CountDownLatch done = new CountDownLatch(1);
    try (StreamsApp app = new StreamsApp(cfg.kafka(), cfg.streams(), cfg.router())) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        app.close();
        done.countDown();
      }, "notifier-streams-shutdown"));
      app.start();
      done.await();
    }
    return 0;
  }
}
