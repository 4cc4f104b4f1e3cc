package dev.notifier.cli.ops;

/**
 * A problem an operator tool reports to the person running it (unreachable cluster, missing topic,
 * bad argument value): the message says what was wrong, with which value, and what to do next.
 */
public final class OpsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public OpsException(String message) {
    super(message);
  }

  public OpsException(String message, Throwable cause) {
    super(message, cause);
  }
}
