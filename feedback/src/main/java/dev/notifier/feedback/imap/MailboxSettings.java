package dev.notifier.feedback.imap;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code bounces:} section of a notifier config: the mailbox that receives bounces and complaint
 * reports (the accounts' return path), read over IMAP by {@code notifier bounces}.
 *
 * @param host the IMAP server
 * @param port its port (default 993 for ssl, 143 otherwise)
 * @param security ssl (implicit TLS, 993), starttls (143) or none (a server on this host only)
 * @param username the login
 * @param passwordEnv the environment variable holding the password
 * @param passwordFile or a file holding it (a mounted secret)
 * @param folder the folder read (default INBOX); messages read are flagged seen and skipped after
 * @param pollInterval how often the folder is read again (default PT1M)
 */
public record MailboxSettings(
    @JsonProperty("host") String host,
    @JsonProperty("port") Integer port,
    @JsonProperty("security") String security,
    @JsonProperty("username") String username,
    @JsonProperty("passwordEnv") String passwordEnv,
    @JsonProperty("passwordFile") String passwordFile,
    @JsonProperty("folder") String folder,
    @JsonProperty("pollInterval") Duration pollInterval) {

  public MailboxSettings {
    List<String> problems = new ArrayList<>();
    if (host == null || host.isBlank()) {
      problems.add("bounces.host is missing: name the IMAP server of the bounce mailbox");
    }
    security = security == null ? "ssl" : security.strip().toLowerCase(Locale.ROOT);
    if (!List.of("ssl", "starttls", "none").contains(security)) {
      problems.add("bounces.security is " + security + ": use ssl (993), starttls (143) or none (this host only)");
    }
    if ("none".equals(security) && host != null && !List.of("127.0.0.1", "localhost", "::1").contains(host.strip())) {
      problems.add("bounces.security none sends the password in clear to " + host + ": use ssl or starttls, or a "
          + "server on this host (127.0.0.1)");
    }
    port = port == null ? ("ssl".equals(security) ? 993 : 143) : port;
    if (username == null || username.isBlank()) {
      problems.add("bounces.username is missing");
    }
    if ((passwordEnv == null) == (passwordFile == null)) {
      problems.add("bounces: set exactly one of passwordEnv and passwordFile");
    }
    folder = folder == null || folder.isBlank() ? "INBOX" : folder.strip();
    pollInterval = pollInterval == null ? Duration.ofMinutes(1) : pollInterval;
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      problems.add("bounces.pollInterval is " + pollInterval + ": it must be positive, e.g. PT1M");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The password, from the environment or the file; the error names where it looked, never a value. */
  public String password() {
    if (passwordEnv != null) {
      String value = System.getenv(passwordEnv);
      if (value == null || value.isEmpty()) {
        throw new IllegalStateException("bounces.passwordEnv names " + passwordEnv + ", which is not set: export it");
      }
      return value;
    }
    try {
      return Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalStateException("bounces.passwordFile " + passwordFile + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The mailbox, for the feedback records' source: {@code imap:user@host/folder}. */
  public String source() {
    return "imap:" + username + "@" + host + "/" + folder;
  }
}
