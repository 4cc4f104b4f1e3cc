package dev.notifier.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.cli.management.ManagementServer;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.cli.management.WorkerHealth;
import dev.notifier.sender.SenderWorker;
import dev.notifier.schemas.registry.RegistryOutputs;
import dev.notifier.sender.WorkerContext;
import dev.notifier.sender.smtp.UnsubscribeLinks;
import dev.notifier.sender.config.AccountsValidator;
import dev.notifier.sender.config.WorkerSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs one sender worker until SIGTERM, with its metrics and health on the management endpoint
 * (ready once the send consumer is assigned and an enabled account's breaker is not open). Start as
 * many as needed: they share one consumer group.
 *
 * <p>On SIGTERM the shutdown hook closes the worker, which stops taking mail, hands queued mail over
 * through the wait tiers, lets sends in flight finish within {@code worker.drainTimeout}, commits and
 * closes its clients; the hook waits for all that (bounded: the drain bound plus 15 s), so the JVM does
 * not exit mid-drain. The management endpoint stops last, so the readiness probe sees the worker go
 * down; then the logs are flushed (the outcome lines are written asynchronously).
 */
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Run a sender worker: the send topic -> SMTP.")
final class WorkerCommand implements Callable<Integer> {

  @Mixin
  RoleOptions options;

  @Override
  public Integer call() throws Exception {
    NotifierConfig cfg = options.load();
    // every account problem at once, before anything connects; warnings are logged
    AccountsValidator.validate(cfg.accounts(), System::getenv);
    WorkerSettings settings = cfg.workerSettings();
    Keyring integrity = cfg.keyring(System::getenv);
    CountDownLatch done = new CountDownLatch(1);
    try (ProcessMetrics metrics = new ProcessMetrics()) {
      // statuses and dead letters in the format streams.schemaRegistry.outputs names (as the streams app
      // writes its statuses), and the send topic read in the registry's wire format too when a registry is named
      WorkerContext.Builder context = WorkerContext.builder(cfg.kafka(), settings)
          .topics(RegistryOutputs.writingIfConfigured(cfg.kafka().topics(), cfg.streams().schemaRegistry()))
          .meterRegistry(metrics.registry()).integrity(integrity);
      if (cfg.unsubscribe() != null) {
        // one-click unsubscribe links on mail that is not critical; the key is read here, never printed
        context.unsubscribe(UnsubscribeLinks.of(cfg.unsubscribe(), System::getenv));
      }
      SenderWorker worker = new SenderWorker(context.build());
      ManagementServer server;
      try {
        server = ManagementServer.start(cfg.management(), metrics, new WorkerHealth(worker::status));
      } catch (RuntimeException e) {
        worker.close();
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          worker.close();
        } finally {
          server.close();
          done.countDown();
          flushLogs();
        }
      }, "notifier-worker-shutdown"));
      worker.run();
      if (!worker.status().closing()) {
        // the loop stopped by itself (a fatal Kafka or outcome error, logged above): exit non-zero so the
        // supervisor restarts the instance; the shutdown hook still closes the endpoint
        System.err.println("notifier: the sender worker stopped with an error (see the log above); exiting so "
            + "that the instance is restarted");
        return 1;
      }
      // SIGTERM: the hook drains and stops the endpoint; wait for it before the metrics close
      done.await(settings.drainTimeout().toSeconds() + 30, TimeUnit.SECONDS);
    }
    return 0;
  }

  /** Stops logback, which writes out what its asynchronous appenders still hold. */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
