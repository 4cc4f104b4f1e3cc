package dev.notifier.cli;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.sender.SenderWorker;
import dev.notifier.sender.config.AccountsValidator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one sender worker until SIGTERM. Start as many as needed: they share one consumer group. */
@Command(name = "worker", description = "Run a sender worker: the send topic -> SMTP.")
final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "YAML config file (kafka, worker sections)")
  Path config;

  @Override
  public Integer call() throws Exception {
    NotifierConfig cfg = ConfigFile.load(config);
    // every account problem at once, before anything connects; warnings are logged
    AccountsValidator.validate(cfg.accounts(), System::getenv);
    SenderWorker worker = new SenderWorker(cfg.kafka(), cfg.workerSettings(), Clock.systemUTC(), System::getenv);
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "notifier-worker-shutdown"));
    worker.run();
    return 0;
  }
}
