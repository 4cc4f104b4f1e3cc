package dev.notifier.cli.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * The {@code console:} section: where the console listens, who may log in (basic auth with hashed
 * passwords, or a trusted reverse proxy's user header), and which workers' management endpoints the
 * accounts page reads.
 *
 * @param host the address to bind (default 127.0.0.1: put a TLS-terminating proxy in front for others)
 * @param port the port (default 9480; 0: any free one)
 * @param users who may log in with basic auth: name, PBKDF2 hash ({@code notifier console --hash-password}), role
 * @param trustedUserHeader a header a reverse proxy sets to the authenticated user's name (e.g.
 *     X-Forwarded-User); only when the console is reachable through that proxy alone
 * @param proxyReplayers the proxy users who have the replay role (the others only view)
 * @param workers the workers' management base URLs, e.g. http://worker-1:9401
 */
public record ConsoleSettings(
    @JsonProperty("host") String host,
    @JsonProperty("port") Integer port,
    @JsonProperty("users") List<ConsoleUser.Configured> users,
    @JsonProperty("trustedUserHeader") String trustedUserHeader,
    @JsonProperty("proxyReplayers") List<String> proxyReplayers,
    @JsonProperty("workers") List<String> workers) {

  public static final int DEFAULT_PORT = 9480;

  public ConsoleSettings {
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? DEFAULT_PORT : port;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("console.port is " + port + ": use a port 1-65535, or 0 for any free one");
    }
    users = users == null ? List.of() : List.copyOf(users);
    proxyReplayers = proxyReplayers == null ? List.of() : List.copyOf(proxyReplayers);
    workers = workers == null ? List.of() : List.copyOf(workers);
    for (String w : workers) {
      String lower = w.toLowerCase(Locale.ROOT);
      if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
        throw new IllegalArgumentException("console.workers has '" + w + "': give a worker's management base URL, "
            + "e.g. http://worker-1:9401");
      }
    }
    if (users.isEmpty() && (trustedUserHeader == null || trustedUserHeader.isBlank())) {
      throw new IllegalArgumentException("console: nobody can log in: add console.users (name, passwordHash from "
          + "`notifier console --hash-password`, role viewer|replayer) or console.trustedUserHeader");
    }
  }
}
