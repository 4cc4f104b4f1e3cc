package dev.notifier.cli.management;

import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.util.StatusPrinter2;

/**
 * Logback's own status messages, as logback.xml's status listener: its warnings and errors (a
 * problem with the logging config, e.g. an unknown {@code NOTIFIER_LOG_FORMAT}) on standard error,
 * its INFO messages nowhere. Without a listener, logback prints every message of its start-up, some
 * 40 lines, on standard output as soon as one of them is a warning — into the JSON or CSV a command
 * writes there.
 */
public final class LogbackProblems extends ContextAwareBase implements StatusListener, LifeCycle {

  private volatile boolean started;

  @Override
  public void addStatusEvent(Status status) {
    if (started && status.getEffectiveLevel() >= Status.WARN) {
      StringBuilder line = new StringBuilder();
      new StatusPrinter2().buildStr(line, "", status);
      System.err.print(line);
    }
  }

  /** Starts listening, and reports the problems logback found before this listener was configured. */
  @Override
  public void start() {
    started = true;
    if (context != null) {
      context.getStatusManager().getCopyOfStatusList().forEach(this::addStatusEvent);
    }
  }

  @Override
  public void stop() {
    started = false;
  }

  @Override
  public boolean isStarted() {
    return started;
  }
}
