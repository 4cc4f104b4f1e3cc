package dev.notifier.cli.demo;

import ch.qos.logback.classic.Level;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the self-contained demo and exits 0 when every notification reached its expected outcome. */
@Command(name = "demo", description = "Run everything in one process on loopback and show what it does.")
public final class DemoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    quietLogs();
    DemoSummary summary = new Demo(new java.io.PrintStream(System.out, true, "UTF-8")).run();
    return summary.ok() ? 0 : 1;
  }

  /** The demo prints its own account of what happened; per-message INFO logs would bury it. */
  private static void quietLogs() {
    if (System.getenv("NOTIFIER_LOG_LEVEL") == null
        && LoggerFactory.getLogger("dev.notifier") instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(Level.WARN);
    }
  }
}
