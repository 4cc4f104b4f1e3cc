package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.VerpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One sender account: where it connects and as whom, and which teams it is the default for
 * ({@code teams}; {@code systemDefault} for everyone else). A disabled account is never routed to. The password is never inline: it is read
 * from an environment variable ({@code passwordEnv}) or a file ({@code passwordFile}) when the
 * worker connects, and never printed ({@link #toString()} leaves it out).
 *
 * <p>A {@code preset} (see {@link Presets}) fills host, port and security when the account leaves
 * them out; what the account sets wins. Without a preset, security defaults by port: implicit TLS
 * (ssl) on 465 and 994, starttls elsewhere. Each field is checked here, failing at once with the
 * key, the value and the fix; what needs the whole list or the environment (duplicate ids, a port
 * that does not fit the security, an unset password variable) is checked by
 * {@link AccountsValidator}.
 *
 * @param checkServerIdentity whether the server's certificate must name its host (default true)
 * @param trustCertificate a PEM or DER X.509 certificate trusted in addition to the JDK's trust
 *     store, e.g. a company relay's private CA; null for none
 * @param poolSize how many SMTP connections, and sending threads, this account gets per worker (1 to 32)
 * @param limits how fast the account may send, over all workers
 * @param failover the accounts that take this account's mail, in order, when it certainly did not
 *     take it (breaker open, connect, TLS or AUTH failure, a refusal of the account or sender before
 *     DATA, a quota used up); empty for none. Not followed further: a backup's own list applies only
 *     to mail routed to it
 * @param finalReplyTimeout how long to wait for the server's reply after the end of data (RFC 5321
 *     4.5.3.2.6: 10 minutes); without a reply the outcome is unknown
 * @param retryUnknownOutcome whether mail whose outcome is unknown is sent again (on this account only)
 * @param unknownOutcomeRetry how long after an unknown outcome it is sent again
 * @param allowPlaintextAuth whether the account may log in over a connection without TLS
 *     ({@code security: none}); default false, and {@link AccountsValidator} refuses such a login at
 *     start-up — only for a relay on the same host or a network the operator trusts
 * @param recipients whom the account may mail ({@code allowedRecipientDomains}, {@code maxRecipients})
 * @param transport which SMTP client the account's connections use (default {@link Transport#AUTO}:
 *     pipelining where the server offers it)
 * @param returnPath the envelope sender (SMTP MAIL FROM) as a VERP template, e.g.
 *     {@code bounces+{id}@bounces.example.com}: each message's bounce is addressed to it with the
 *     notification id in place of {@code {id}} (see {@link VerpAddress}); null (the default) keeps
 *     the from address as envelope sender, and bounces are tied to their notification by the
 *     headers alone. {@link AccountsValidator} refuses it for providers that take only the
 *     authenticated user as envelope sender
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
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("preset") String preset,
    @JsonProperty("checkServerIdentity") Boolean checkServerIdentity,
    @JsonProperty("trustCertificate") String trustCertificate,
    @JsonProperty("poolSize") Integer poolSize,
    @JsonProperty("limits") Limits limits,
    @JsonProperty("failover") List<String> failover,
    @JsonProperty("finalReplyTimeout") Duration finalReplyTimeout,
    @JsonProperty("retryUnknownOutcome") Boolean retryUnknownOutcome,
    @JsonProperty("unknownOutcomeRetry") Duration unknownOutcomeRetry,
    @JsonProperty("allowPlaintextAuth") Boolean allowPlaintextAuth,
    @JsonProperty("recipients") RecipientPolicy recipients,
    @JsonProperty("transport") Transport transport,
    @JsonProperty("returnPath") String returnPath) {

  /** RFC 5321, 4.5.3.2.6: the client waits 10 minutes for the reply to the end of data. */
  public static final Duration DEFAULT_FINAL_REPLY_TIMEOUT = Duration.ofMinutes(10);
  /** A message whose outcome is unknown is sent again this much later, when a receiver has likely shown it. */
  public static final Duration DEFAULT_UNKNOWN_OUTCOME_RETRY = Duration.ofMinutes(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final int MAX_POOL_SIZE = 32;

  public AccountSettings {
    require(id, null, "id", "a short name such as qq-support");
    Preset known = Presets.require(id, preset);
    preset = known == null ? null : known.name();
    host = host == null || host.isBlank() ? (known == null ? null : known.host()) : host.strip();
    require(host, id, "host", "the SMTP server's host name, e.g. smtp.example.com, or set 'preset' to one of "
        + Presets.names());
    require(from, id, "from", "the sender address, e.g. noreply@example.com");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("accounts[" + id + "].port is " + port + ": use 465 (ssl), 587 (starttls) or 25");
    }
    if (security == null) {
      security = known != null && known.port() == port ? known.security() : Security.defaultFor(port);
    }
    ehloName = ehloName == null || ehloName.isBlank() ? "localhost.localdomain" : ehloName;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
    teams = teams == null ? List.of() : List.copyOf(teams);
    enabled = enabled == null ? Boolean.TRUE : enabled;
    checkServerIdentity = checkServerIdentity == null ? Boolean.TRUE : checkServerIdentity;
    trustCertificate = trustCertificate == null || trustCertificate.isBlank() ? null : trustCertificate.strip();
    poolSize = poolSize == null ? Integer.valueOf(1) : poolSize;
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new IllegalArgumentException("accounts[" + id + "].poolSize is " + poolSize + ": use 1 to " + MAX_POOL_SIZE
          + " (SMTP connections and sending threads per worker; most providers allow only a few at once)");
    }
    limits = limits == null ? Limits.DEFAULT : limits;
    failover = failover == null ? List.of() : List.copyOf(failover);
    finalReplyTimeout = positive(finalReplyTimeout, DEFAULT_FINAL_REPLY_TIMEOUT, id, "finalReplyTimeout");
    retryUnknownOutcome = retryUnknownOutcome == null ? Boolean.TRUE : retryUnknownOutcome;
    unknownOutcomeRetry = positive(unknownOutcomeRetry, DEFAULT_UNKNOWN_OUTCOME_RETRY, id, "unknownOutcomeRetry");
    allowPlaintextAuth = Boolean.TRUE.equals(allowPlaintextAuth);
    recipients = recipients == null ? RecipientPolicy.DEFAULT : recipients;
    transport = transport == null ? Transport.AUTO : transport;
    returnPath = returnPath(id, returnPath);
  }

  /** An account whose envelope sender is its from address. */
  public AccountSettings(String id, String host, int port, Security security, String from, String username,
      String passwordEnv, String passwordFile, String ehloName, Duration connectTimeout, Duration readTimeout,
      List<String> teams, boolean systemDefault, Boolean enabled, String preset, Boolean checkServerIdentity,
      String trustCertificate, Integer poolSize, Limits limits, List<String> failover, Duration finalReplyTimeout,
      Boolean retryUnknownOutcome, Duration unknownOutcomeRetry, Boolean allowPlaintextAuth,
      RecipientPolicy recipients, Transport transport) {
    this(id, host, port, security, from, username, passwordEnv, passwordFile, ehloName, connectTimeout, readTimeout,
        teams, systemDefault, enabled, preset, checkServerIdentity, trustCertificate, poolSize, limits, failover,
        finalReplyTimeout, retryUnknownOutcome, unknownOutcomeRetry, allowPlaintextAuth, recipients, transport, null);
  }

  /** An account with the default transport ({@link Transport#AUTO}). */
  public AccountSettings(String id, String host, int port, Security security, String from, String username,
      String passwordEnv, String passwordFile, String ehloName, Duration connectTimeout, Duration readTimeout,
      List<String> teams, boolean systemDefault, Boolean enabled, String preset, Boolean checkServerIdentity,
      String trustCertificate, Integer poolSize, Limits limits, List<String> failover, Duration finalReplyTimeout,
      Boolean retryUnknownOutcome, Duration unknownOutcomeRetry, Boolean allowPlaintextAuth,
      RecipientPolicy recipients) {
    this(id, host, port, security, from, username, passwordEnv, passwordFile, ehloName, connectTimeout, readTimeout,
        teams, systemDefault, enabled, preset, checkServerIdentity, trustCertificate, poolSize, limits, failover,
        finalReplyTimeout, retryUnknownOutcome, unknownOutcomeRetry, allowPlaintextAuth, recipients, null);
  }

  /** An account with the default transport, recipient policy and no plaintext login. */
  public AccountSettings(String id, String host, int port, Security security, String from, String username,
      String passwordEnv, String passwordFile, String ehloName, Duration connectTimeout, Duration readTimeout,
      List<String> teams, boolean systemDefault, Boolean enabled, String preset, Boolean checkServerIdentity,
      String trustCertificate, Integer poolSize, Limits limits, List<String> failover, Duration finalReplyTimeout,
      Boolean retryUnknownOutcome, Duration unknownOutcomeRetry) {
    this(id, host, port, security, from, username, passwordEnv, passwordFile, ehloName, connectTimeout, readTimeout,
        teams, systemDefault, enabled, preset, checkServerIdentity, trustCertificate, poolSize, limits, failover,
        finalReplyTimeout, retryUnknownOutcome, unknownOutcomeRetry, null, null, null);
  }

  /** An account without a failover chain, with the defaults for unknown outcomes. */
  public AccountSettings(String id, String host, int port, Security security, String from, String username,
      String passwordEnv, String passwordFile, String ehloName, Duration connectTimeout, Duration readTimeout,
      List<String> teams, boolean systemDefault, Boolean enabled, String preset, Boolean checkServerIdentity,
      String trustCertificate, Integer poolSize, Limits limits) {
    this(id, host, port, security, from, username, passwordEnv, passwordFile, ehloName, connectTimeout, readTimeout,
        teams, systemDefault, enabled, preset, checkServerIdentity, trustCertificate, poolSize, limits, null, null,
        null, null, null, null, null);
  }

  /** An enabled account that is no team's default and not the system default. */
  public AccountSettings(String id, String host, int port, Security security, String from, String username,
      String passwordEnv, String passwordFile, String ehloName, Duration connectTimeout, Duration readTimeout) {
    this(id, host, port, security, from, username, passwordEnv, passwordFile, ehloName, connectTimeout, readTimeout,
        List.of(), false, true, null, null, null, null, null);
  }

  /**
   * An account as a config file describes it: host and port may be left to the preset, and
   * problems in {@code limits} are named by the account's id.
   */
  @JsonCreator
  public static AccountSettings fromConfig(
      @JsonProperty("id") String id,
      @JsonProperty("preset") String preset,
      @JsonProperty("host") String host,
      @JsonProperty("port") Integer port,
      @JsonProperty("security") Security security,
      @JsonProperty("from") String from,
      @JsonProperty("username") String username,
      @JsonProperty("passwordEnv") String passwordEnv,
      @JsonProperty("passwordFile") String passwordFile,
      @JsonProperty("ehloName") String ehloName,
      @JsonProperty("connectTimeout") Duration connectTimeout,
      @JsonProperty("readTimeout") Duration readTimeout,
      @JsonProperty("teams") List<String> teams,
      @JsonProperty("systemDefault") Boolean systemDefault,
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("checkServerIdentity") Boolean checkServerIdentity,
      @JsonProperty("trustCertificate") String trustCertificate,
      @JsonProperty("poolSize") Integer poolSize,
      @JsonProperty("limits") Limits.Entry limits,
      @JsonProperty("failover") List<String> failover,
      @JsonProperty("finalReplyTimeout") Duration finalReplyTimeout,
      @JsonProperty("retryUnknownOutcome") Boolean retryUnknownOutcome,
      @JsonProperty("unknownOutcomeRetry") Duration unknownOutcomeRetry,
      @JsonProperty("allowPlaintextAuth") Boolean allowPlaintextAuth,
      @JsonProperty("allowedRecipientDomains") List<String> allowedRecipientDomains,
      @JsonProperty("maxRecipients") Integer maxRecipients,
      @JsonProperty("transport") String transport,
      @JsonProperty("returnPath") String returnPath) {
    require(id, null, "id", "a short name such as qq-support");
    Preset known = Presets.require(id, preset);
    if (port == null && known == null) {
      throw new IllegalArgumentException("accounts[" + id + "] key 'port' is missing: set it to 465 (ssl), "
          + "587 (starttls) or 25, or set 'preset' to one of " + Presets.names());
    }
    return new AccountSettings(id, host, port != null ? port : known.port(), security, from, username, passwordEnv,
        passwordFile, ehloName, connectTimeout, readTimeout, teams, Boolean.TRUE.equals(systemDefault), enabled,
        preset, checkServerIdentity, trustCertificate, poolSize, limits == null ? null : limits.toLimits(id), failover,
        finalReplyTimeout, retryUnknownOutcome, unknownOutcomeRetry, allowPlaintextAuth,
        RecipientPolicy.of(id, allowedRecipientDomains, maxRecipients), Transport.parse(id, transport), returnPath);
  }

  /** An account on a plain local server with no authentication (tests, the demo, a local relay). */
  public static AccountSettings local(String id, String host, int port, String from) {
    return new AccountSettings(id, host, port, Security.NONE, from, null, null, null, "notifier.local", null, null,
        List.of(), true, true, null, null, null, null, null);
  }

  /** This account with other sending limits. */
  public AccountSettings withLimits(Limits newLimits) {
    return new Copy(this).limits(newLimits).build();
  }

  /**
   * The longest an attempt to send {@code messages} messages together over one connection can take by this
   * account's time-outs: a connection opened (connect, then greeting, EHLO, STARTTLS, its handshake, EHLO again,
   * AUTH and a check, each within the read time-out), then for each message MAIL, RCPT, DATA and the body within
   * the read time-out and the final reply within its own. The server cannot take a message of the attempt later.
   */
  public Duration longestAttempt(int messages) {
    return connectTimeout.plus(readTimeout.multipliedBy(8L + 4L * messages))
        .plus(finalReplyTimeout.multipliedBy(messages));
  }

  /** This account with another number of connections (and sending threads) per worker. */
  public AccountSettings withPoolSize(int newPoolSize) {
    return new Copy(this).poolSize(newPoolSize).build();
  }

  /** This account with a failover chain (the accounts that take its mail when it certainly did not). */
  public AccountSettings withFailover(List<String> backups) {
    return new Copy(this).failover(backups).build();
  }

  /**
   * This account with another handling of unknown outcomes: the final-reply time-out, and how long
   * until such mail is sent again ({@code null}: never).
   */
  public AccountSettings withUnknownOutcome(Duration replyTimeout, Duration retryAfter) {
    return new Copy(this).unknownOutcome(replyTimeout, retryAfter).build();
  }

  /** This account allowed, or not, to log in over a connection without TLS. */
  public AccountSettings withPlaintextAuth(boolean allowed) {
    return new Copy(this).plaintextAuth(allowed).build();
  }

  /** This account with another SMTP client for its connections. */
  public AccountSettings withTransport(Transport newTransport) {
    return new Copy(this).transport(newTransport).build();
  }

  /** This account with another recipient policy. */
  public AccountSettings withRecipients(RecipientPolicy policy) {
    return new Copy(this).recipients(policy).build();
  }

  /** This account with another envelope sender template ({@code null}: the from address). */
  public AccountSettings withReturnPath(String template) {
    return new Copy(this).returnPath(template).build();
  }

  /** A copy of an account with some settings changed, checked again by the canonical constructor. */
  private static final class Copy {

    private final AccountSettings a;
    private Integer poolSize;
    private Limits limits;
    private List<String> failover;
    private Duration finalReplyTimeout;
    private Boolean retryUnknownOutcome;
    private Duration unknownOutcomeRetry;
    private Boolean allowPlaintextAuth;
    private RecipientPolicy recipients;
    private Transport transport;
    private String returnPath;

    Copy(AccountSettings a) {
      this.a = a;
      poolSize = a.poolSize;
      limits = a.limits;
      failover = a.failover;
      finalReplyTimeout = a.finalReplyTimeout;
      retryUnknownOutcome = a.retryUnknownOutcome;
      unknownOutcomeRetry = a.unknownOutcomeRetry;
      allowPlaintextAuth = a.allowPlaintextAuth;
      recipients = a.recipients;
      transport = a.transport;
      returnPath = a.returnPath;
    }

    Copy poolSize(int value) {
      poolSize = value;
      return this;
    }

    Copy limits(Limits value) {
      limits = value;
      return this;
    }

    Copy failover(List<String> value) {
      failover = value;
      return this;
    }

    Copy unknownOutcome(Duration replyTimeout, Duration retryAfter) {
      finalReplyTimeout = replyTimeout;
      retryUnknownOutcome = retryAfter != null;
      unknownOutcomeRetry = retryAfter;
      return this;
    }

    Copy plaintextAuth(boolean value) {
      allowPlaintextAuth = value;
      return this;
    }

    Copy recipients(RecipientPolicy value) {
      recipients = value;
      return this;
    }

    Copy transport(Transport value) {
      transport = value;
      return this;
    }

    Copy returnPath(String value) {
      returnPath = value;
      return this;
    }

    AccountSettings build() {
      return new AccountSettings(a.id, a.host, a.port, a.security, a.from, a.username, a.passwordEnv, a.passwordFile,
          a.ehloName, a.connectTimeout, a.readTimeout, a.teams, a.systemDefault, a.enabled, a.preset,
          a.checkServerIdentity, a.trustCertificate, poolSize, limits, failover, finalReplyTimeout, retryUnknownOutcome,
          unknownOutcomeRetry, allowPlaintextAuth, recipients, transport, returnPath);
    }
  }

  /**
   * The envelope sender of notification {@code notificationId}'s message: its VERP return path, or
   * null when the account sets none (or the id cannot be read back from one), and the from address is used.
   */
  public String envelopeSender(String notificationId) {
    return returnPath == null ? null : VerpAddress.forNotification(returnPath, notificationId);
  }

  /**
   * Whether this account relays through SendGrid (its preset, or SendGrid's host spelled out): its
   * messages then carry the notification id as a SendGrid unique argument, which SendGrid's events
   * quote back ({@link dev.notifier.schemas.SendGridArgs}).
   */
  public boolean relaysThroughSendGrid() {
    return presetDetails().or(() -> Presets.byHost(host)).map(p -> p.name().equals(Presets.SENDGRID)).orElse(false);
  }

  /** The preset this account names, if any. */
  public Optional<Preset> presetDetails() {
    return Presets.find(preset);
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

  /**
   * Reads {@code trustCertificate} (PEM or DER); empty when the account trusts only the JDK's store.
   *
   * @throws IllegalStateException naming the account, the path and why it cannot be used
   */
  public Optional<X509Certificate> trustedCertificate() {
    if (trustCertificate == null) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(Path.of(trustCertificate))) {
      // CertificateFactory reads both DER and PEM ("-----BEGIN CERTIFICATE-----")
      return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new IllegalStateException("accounts[" + id + "].trustCertificate is '" + trustCertificate
          + "', which cannot be read as a PEM or DER X.509 certificate (" + e + "): point it at the server's "
          + "certificate or its CA's, or leave it out to trust only the JDK's trust store", e);
    }
  }

  private static Duration positive(Duration value, Duration fallback, String id, String key) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("accounts[" + id + "]." + key + " is " + value
          + ": set it to a positive ISO-8601 duration such as PT10M, or leave it out for " + fallback);
    }
    return value;
  }

  private static String returnPath(String id, String template) {
    if (template == null) {
      return null;
    }
    String problem = VerpAddress.problem(template);
    if (problem != null) {
      throw new IllegalArgumentException("accounts[" + id + "].returnPath is '" + template + "': " + problem);
    }
    return template.strip();
  }

  private static void require(String value, String id, String key, String example) {
    if (value == null || value.isBlank()) {
      String account = id == null ? "an account's" : "accounts[" + id + "]";
      throw new IllegalArgumentException(account + " key '" + key + "' is missing: set it to " + example);
    }
  }

  @Override
  public String toString() {
    return "Account[" + id + " " + from + " via " + host + ":" + port + " " + security
        + (authenticates() ? " as " + username : "") + (preset == null ? "" : " (preset " + preset + ")")
        + (returnPath == null ? "" : " return path " + returnPath) + "]";
  }
}
