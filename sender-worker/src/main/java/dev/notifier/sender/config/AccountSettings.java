package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One sender account: where it connects and as whom, and which teams it is the default for
 * ({@code teams}; {@code systemDefault} for everyone else). A disabled account is never routed to. The password is never inline: it is read
 * from an environment variable ({@code passwordEnv}) or a file ({@code passwordFile}) when the
 * worker connects, and never printed ({@link #toString()} leaves it out).
 */
public record AccountSettings(
    @JsonProperty("id") String id,
    @JsonProperty("host") String host,
    @JsonProperty("port") int port,
    @JsonProperty("security") Security security,
    @JsonProperty("from") String from,
    @JsonProperty("username") String username,
    @JsonProperty("passwordEnv") String passwordEnv,
    @JsonProperty("passwordFile") String passwordFile,
    @JsonProperty("ehloName") String ehloName,
    @JsonProperty("connectTimeout") Duration connectTimeout,
    @JsonProperty("readTimeout") Duration readTimeout,
    @JsonProperty("teams") List<String> teams,
    @JsonProperty("systemDefault") boolean systemDefault,
    @JsonProperty("enabled") Boolean enabled) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  public AccountSettings {
    require(id, "id", "a short name such as qq-support");
    require(host, "host", "the SMTP server's host name, e.g. smtp.qq.com");
    require(from, "from", "the sender address, e.g. noreply@example.com");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("accounts[" + id + "].port is " + port + ": use 465 (ssl), 587 (starttls) or 25");
    }
    security = security == null ? Security.STARTTLS : security;
    ehloName = ehloName == null || ehloName.isBlank() ? "localhost.localdomain" : ehloName;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
    teams = teams == null ? List.of() : List.copyOf(teams);
    enabled = enabled == null ? Boolean.TRUE : enabled;
  }

  /** An enabled account that is no team's default and not the system default. */
  public AccountSettings(String id, String host, int port, Security security, String from, String username,
      String passwordEnv, String passwordFile, String ehloName, Duration connectTimeout, Duration readTimeout) {
    this(id, host, port, security, from, username, passwordEnv, passwordFile, ehloName, connectTimeout, readTimeout,
        List.of(), false, true);
  }

  /** An account on a plain local server with no authentication (tests, the demo, a local relay). */
  public static AccountSettings local(String id, String host, int port, String from) {
    return new AccountSettings(id, host, port, Security.NONE, from, null, null, null, "notifier.local", null, null,
        List.of(), true, true);
  }

  public boolean isEnabled() {
    return enabled;
  }

  public boolean authenticates() {
    return username != null && !username.isBlank();
  }

  /** Reads the password from where the config says; {@code env} looks up environment variables. */
  public String password(Function<String, String> env) {
    if (passwordEnv != null) {
      String value = env.apply(passwordEnv);
      if (value == null || value.isEmpty()) {
        throw new IllegalStateException("accounts[" + id + "].passwordEnv names " + passwordEnv
            + ", which is not set: export it with the account's password or authorization code");
      }
      return value;
    }
    if (passwordFile != null) {
      try {
        return Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalStateException("accounts[" + id + "].passwordFile " + passwordFile
            + " cannot be read (" + e.getMessage() + "): check the path and its permissions", e);
      }
    }
    throw new IllegalStateException("accounts[" + id + "] has a username but no password: set passwordEnv or passwordFile");
  }

  private static void require(String value, String key, String example) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("account key '" + key + "' is missing: set it to " + example);
    }
  }

  @Override
  public String toString() {
    return "Account[" + id + " " + from + " via " + host + ":" + port + " " + security
        + (authenticates() ? " as " + username : "") + "]";
  }
}
