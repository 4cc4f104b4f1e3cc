package dev.notifier.cli.management;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code management:} section of a config file: where the process serves its metrics and
 * health checks ({@link Management#METRICS_PATH}, {@link Management#LIVENESS_PATH},
 * {@link Management#READINESS_PATH}).
 *
 * @param host the address to listen on (default 0.0.0.0: every interface, so a scraper can reach it)
 * @param port the TCP port (default {@value Management#DEFAULT_PORT}; 0 picks a free one, for tests)
 */
public record ManagementSettings(
    @JsonProperty("host") String host,
    @JsonProperty("port") Integer port) {

  public static final String DEFAULT_HOST = "0.0.0.0";

  public ManagementSettings {
    if (host != null && host.isBlank()) {
      throw new IllegalArgumentException("management.host is blank: give an address to listen on, e.g. "
          + DEFAULT_HOST + " (every interface, the default) or 127.0.0.1 (this machine only)");
    }
    host = host == null ? DEFAULT_HOST : host.strip();
    port = port == null ? Management.DEFAULT_PORT : port;
    if (!isPort(port)) {
      throw new IllegalArgumentException("management.port is " + port + ": it must be a TCP port from 1 to 65535 "
          + "(default " + Management.DEFAULT_PORT + "; 0 picks a free port)");
    }
  }

  public static ManagementSettings defaults() {
    return new ManagementSettings(null, null);
  }

  /** This machine only, on {@code port}: for the demo and tests. */
  public static ManagementSettings loopback(int port) {
    return new ManagementSettings("127.0.0.1", port);
  }

  /** The same port, on {@code newHost}. */
  public ManagementSettings withHost(String newHost) {
    return new ManagementSettings(newHost, port);
  }

  /** The same host, on {@code port}. */
  public ManagementSettings withPort(int port) {
    return new ManagementSettings(host, port);
  }

  /** Whether the endpoint can listen on {@code port}: a TCP port, or 0 for a free one. */
  public static boolean isPort(int port) {
    return port >= 0 && port <= 65535;
  }
}
