package dev.notifier.cli.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.notifier.cli.console.ConsoleServer;
import dev.notifier.testkit.kafka.RetriedAppendFilter;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the self-contained demo and exits 0 when every notification reached its expected outcome.
 * Standard output shows the demo's own account; the log (standard error) shows errors only unless
 * {@code --verbose}: the warnings of a throwaway one-process setup (an empty metadata log, a state
 * directory under the OS temp dir, ...) and the per-notification lines would bury the account.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run everything in one process on loopback and show what it does.")
public final class DemoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--keep-running", description = "after the summary, keep the broker up (until Ctrl-C) so the "
      + "operator commands (dlt, status) can be tried on the demo's data")
  boolean keepRunning;

  @Option(names = "--management-port", paramLabel = "N", description = "also serve /metrics, /health/live and "
      + "/health/ready on 127.0.0.1:N while the demo runs (0: any free port; default: off)")
  Integer managementPort;

  @Option(names = "--verbose", description = "also log the broker's and the Kafka clients' warnings and the "
      + "notifier's own lines (at NOTIFIER_LOG_LEVEL, default INFO) on standard error; default: errors only")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!verbose) {
      logErrorsOnly();
    }
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    java.util.concurrent.atomic.AtomicReference<Demo> demo = new java.util.concurrent.atomic.AtomicReference<>();
    demo.set(new Demo(out, bootstrap -> {
      if (keepRunning) {
        waitForInterrupt(out, bootstrap, demo.get().managementPort());
      }
    }, managementPort));
    DemoSummary summary = demo.get().run();
    return summary.ok() ? 0 : 1;
  }

  private static void waitForInterrupt(PrintStream out, String bootstrap, int managementPort) {
    out.println();
    out.println("The broker keeps running at " + bootstrap + " — try, in another terminal:");
    out.println("  ./notifier dlt stats --bootstrap-server " + bootstrap);
    out.println("  ./notifier dlt replay --class DEAD_RECIPIENT --reason 'mailbox restored' --dry-run "
        + "--bootstrap-server " + bootstrap);
    out.println("  ./notifier status --event zt-bug-42-assign-1 --bootstrap-server " + bootstrap);
    out.println("  ./notifier backlog --streams-app " + Demo.APPLICATION_ID + " --bootstrap-server " + bootstrap);
    String password = DemoConsole.password();
    try (ConsoleServer console = DemoConsole.start(bootstrap, password, managementPort)) {
      out.println("The console: http://127.0.0.1:" + console.port() + "/ (log in as demo, password " + password
          + "; it may replay)");
      out.println("Press Ctrl-C to stop.");
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "notifier-demo-stop"));
      try {
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void logErrorsOnly() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      logErrorsOnly(context);
    }
  }

  /**
   * Raises every logger the logging config gives a level (the root among them) to ERROR, and leaves out the
   * broker's ERROR for an append its producer retries ({@link RetriedAppendFilter}).
   */
  static void logErrorsOnly(LoggerContext context) {
    context.getLoggerList().stream()
        .filter(logger -> logger.getLevel() != null && !logger.getLevel().isGreaterOrEqual(Level.ERROR))
        .forEach(logger -> logger.setLevel(Level.ERROR));
    RetriedAppendFilter.install(context);
  }
}
