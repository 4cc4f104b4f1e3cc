package dev.notifier.cli.management;

/**
 * What the outside world relies on of a running {@code notifier streams} or {@code notifier worker}
 * process: the management HTTP port and paths, the environment it reads, and where the image keeps
 * its config. The deploy manifests (compose, Kubernetes, Prometheus) are checked against these.
 */
public final class Management {

  /** The management HTTP port unless {@code management.port} says otherwise. */
  public static final int DEFAULT_PORT = 9400;
  /** Prometheus text format of every meter of the process. */
  public static final String METRICS_PATH = "/metrics";
  /** 200 while the process is alive (not wedged); 503 otherwise. */
  public static final String LIVENESS_PATH = "/health/live";
  /** 200 once the process does its job (Streams RUNNING; worker assigned and an SMTP account usable). */
  public static final String READINESS_PATH = "/health/ready";

  /** {@code text} (default) or {@code json}: one JSON object per log line. */
  public static final String LOG_FORMAT_ENV = "NOTIFIER_LOG_FORMAT";
  /** The level of the notifier's own loggers (default INFO). */
  public static final String LOG_LEVEL_ENV = "NOTIFIER_LOG_LEVEL";

  /** Where the image expects the config file (mounted from a ConfigMap or a compose volume). */
  public static final String CONFIG_PATH = "/etc/notifier/notifier.yaml";
  /** The image's entry point runs {@code notifier}; its arguments pick the role. */
  public static final String MAIN_CLASS = "dev.notifier.cli.NotifierCommand";

  private Management() {
  }
}
