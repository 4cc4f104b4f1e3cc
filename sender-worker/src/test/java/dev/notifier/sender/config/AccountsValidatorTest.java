package dev.notifier.sender.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AccountsValidatorTest {

  private static final String SECRET = "s3cr3t-authorization-code";
  /** Every variable is set to the secret, except UNSET_PASSWORD and EMPTY_PASSWORD. */
  private static final Function<String, String> ENV = name -> switch (name) {
    case "UNSET_PASSWORD" -> null;
    case "EMPTY_PASSWORD" -> "";
    default -> SECRET;
  };

  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AccountsValidator.class);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  /** An account as a config file would give it; by default a valid one on a STARTTLS relay. */
  private static final class Spec {
    String id = "relay";
    String preset;
    String host = "smtp.example.com";
    Integer port = 587;
    Security security;
    String from = "noreply@example.com";
    String username = "noreply@example.com";
    String passwordEnv = "RELAY_PASSWORD";
    String passwordFile;
    Boolean checkServerIdentity;
    String trustCertificate;
    Boolean allowPlaintextAuth;
    String returnPath;

    static Spec account(String id) {
      Spec spec = new Spec();
      spec.id = id;
      return spec;
    }

    Spec preset(String name) {
      preset = name;
      host = null;
      port = null;
      return this;
    }

    Spec port(Integer value, Security sec) {
      port = value;
      security = sec;
      return this;
    }

    Spec login(String from, String username) {
      this.from = from;
      this.username = username;
      return this;
    }

    Spec password(String env, String file) {
      passwordEnv = env;
      passwordFile = file;
      return this;
    }

    AccountSettings build() {
      return AccountSettings.fromConfig(id, preset, host, port, security, from, username, passwordEnv, passwordFile,
          null, null, null, null, null, null, checkServerIdentity, trustCertificate, null, null, null, null, null, null,
          allowPlaintextAuth, null, null, null, returnPath);
    }
  }

  private static Spec account(String id) {
    return Spec.account(id);
  }

  /** The one problem validating {@code account} reports. */
  private static String problem(Spec account) {
    Throwable thrown = null;
    try {
      AccountsValidator.validate(List.of(account.build()), ENV);
    } catch (IllegalArgumentException e) {
      thrown = e;
    }
    assertThat(thrown).as("validation of " + account.id + " must fail").isNotNull();
    List<String> lines = thrown.getMessage().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("1 problem in the sender accounts:");
    assertThat(lines.get(1)).doesNotContain(SECRET);
    return lines.get(1);
  }

  private List<String> loggedWarnings() {
    return logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aValidConfigPassesWithoutWarnings() throws Exception {
    Path file = Files.writeString(dir.resolve("gmail.pw"), SECRET, StandardCharsets.UTF_8);
    List<AccountSettings> accounts = List.of(
        account("qq-support").preset("qq").login("Support <Support@QQ.com>", "support@qq.com").build(),
        account("gmail").preset("gmail").login("noreply@corp.com", "bot@gmail.com").password(null, file.toString())
            .build(),
        account("sendgrid").preset("sendgrid").login("noreply@corp.com", "apikey").build(),
        account("relay").build(),
        AccountSettings.local("local", "127.0.0.1", 2525, "noreply@notifier.test"));

    assertThat(AccountsValidator.validate(accounts, ENV)).isEmpty();
    assertThat(loggedWarnings()).isEmpty();
  }

  @Test
  void failoverChainsNameEnabledAccountsOtherThanThemselvesOnce() {
    AccountSettings off = new AccountSettings("off", "127.0.0.1", 2526, Security.NONE, "a@example.com", null, null, null,
        null, null, null, List.of(), false, false, null, null, null, null, null);
    List<AccountSettings> accounts = List.of(
        AccountSettings.local("primary", "127.0.0.1", 2525, "a@example.com")
            .withFailover(List.of("primary", "backup", "backup", "nowhere", "off")),
        AccountSettings.local("backup", "127.0.0.1", 2527, "b@example.com").withFailover(List.of()), off);

    assertThatThrownBy(() -> AccountsValidator.validate(accounts, ENV))
        .hasMessageContaining("accounts[primary].failover names the account itself")
        .hasMessageContaining("accounts[primary].failover names 'backup' twice")
        .hasMessageContaining("accounts[primary].failover names 'nowhere', which is not an account: add it under "
            + "accounts, or use one of [primary, backup, off]")
        .hasMessageContaining("accounts[primary].failover names 'off', which is disabled");
  }

  @Test
  void aBackupWithADailyQuotaFarBelowThePrimarysIsWarnedOf() {
    List<AccountSettings> accounts = List.of(
        AccountSettings.local("primary", "127.0.0.1", 2525, "a@example.com")
            .withLimits(new Limits(10, 10, null, 2000)).withFailover(List.of("backup")),
        AccountSettings.local("backup", "127.0.0.1", 2527, "b@example.com").withLimits(new Limits(10, 10, null, 500)));

    assertThat(AccountsValidator.validate(accounts, ENV)).singleElement().asString()
        .isEqualTo("accounts[primary].failover names 'backup', whose daily quota (500) is far below the primary's "
            + "(2000): a failover of a busy day would stop at it; raise it or add another backup");
  }

  @Test
  void duplicateIdsAreNamed() {
    List<AccountSettings> accounts = List.of(account("qa").build(), account("qa").build(), account("ops").build());

    assertThatThrownBy(() -> AccountsValidator.validate(accounts, ENV))
        .hasMessageContaining("accounts[qa].id 'qa' is used by 2 accounts: give each account its own id");
  }

  @Test
  void implicitTlsOnAStartTlsPortIsRefused() {
    assertThat(problem(account("relay").port(587, Security.SSL))).isEqualTo("accounts[relay].security is 'ssl' but "
        + "port is 587: port 587 expects starttls; implicit TLS (ssl) is used on 465 or 994. Set security: starttls, "
        + "or port: 465");
    assertThat(problem(account("relay").port(25, Security.SSL))).contains("port 25 expects starttls");
  }

  @Test
  void startTlsOnAnImplicitTlsPortIsRefused() {
    assertThat(problem(account("relay").port(465, Security.STARTTLS))).isEqualTo("accounts[relay].security is "
        + "'starttls' but port is 465: port 465 expects implicit TLS (ssl); starttls is used on 587 or 25. "
        + "Set security: ssl, or port: 587");
    assertThat(problem(account("163").preset("163").login("a@163.com", "a@163.com").port(994, Security.STARTTLS)))
        .startsWith("accounts[163].security is 'starttls' but port is 994");
  }

  @Test
  void noTlsOnAnImplicitTlsPortIsRefused() {
    assertThat(problem(account("relay").port(465, Security.NONE)))
        .startsWith("accounts[relay].security is 'none' but port is 465: port 465 expects implicit TLS (ssl)")
        .endsWith("Set security: ssl");
  }

  @Test
  void noTlsOnTheSubmissionPortWithoutALoginIsOnlyAWarning() {
    Spec relay = account("relay").port(587, Security.NONE).login("noreply@example.com", null).password(null, null);
    List<String> warnings = AccountsValidator.validate(List.of(relay.build()), ENV);

    assertThat(warnings).singleElement().asString()
        .startsWith("accounts[relay].security is 'none' on port 587")
        .contains("Set security: starttls");
    assertThat(loggedWarnings()).isEqualTo(warnings);
  }

  @Test
  void authOverPlaintextOnPort25IsRefusedAtStartUpNamingTheAccountAndTheFix() {
    // the attack: a config that would send the password in clear to whatever answers on port 25
    assertThat(problem(account("relay").port(25, Security.NONE)))
        .isEqualTo("accounts[relay] logs in as 'noreply@example.com' over a connection without TLS (security: none, "
            + "port 25): the password would cross the network in clear, so AUTH is refused. Set security: starttls "
            + "(587 or 25) or ssl (465); only for a relay on this host or a network you trust, set "
            + "allowPlaintextAuth: true on the account");
    assertThat(problem(account("relay").port(587, Security.NONE))).contains("AUTH is refused");
    assertThat(problem(account("relay").port(2525, Security.NONE))).contains("allowPlaintextAuth: true");
  }

  @Test
  void allowPlaintextAuthPermitsTheLoginWithAWarning() {
    Spec relay = account("relay").port(25, Security.NONE);
    relay.allowPlaintextAuth = true;

    List<String> warnings = AccountsValidator.validate(List.of(relay.build()), ENV);

    assertThat(warnings).singleElement().asString()
        .startsWith("accounts[relay] logs in as 'noreply@example.com' over a connection without TLS")
        .contains("allowPlaintextAuth: true permits")
        .doesNotContain(SECRET);
    assertThat(loggedWarnings()).isEqualTo(warnings);
  }

  @Test
  void aRelayWithoutALoginNeedsNoPermissionAndTlsNeedsNone() {
    Spec local = account("local").port(25, Security.NONE).login("noreply@example.com", null).password(null, null);

    assertThat(AccountsValidator.validate(List.of(local.build(), account("tls").port(25, Security.STARTTLS).build()),
        ENV)).isEmpty();
  }

  @Test
  void aSenderOtherThanTheUserIsRefusedWhereTheProviderRefusesIt() {
    assertThat(problem(account("x").preset("163").login("noreply@corp.com", "bob@163.com"))).isEqualTo(
        "accounts[x].from is 'noreply@corp.com' but username is 'bob@163.com': 163 rejects this with 553 Mail from "
            + "must equal authorized user; set from to the username");
    for (String preset : List.of("qq", "qq-exmail", "126", "aliyun-directmail")) {
      assertThat(problem(account("x").preset(preset).login("Bot <noreply@corp.com>", "bob@corp.com")))
          .startsWith("accounts[x].from is 'Bot <noreply@corp.com>' but username is 'bob@corp.com': " + preset);
    }
  }

  @Test
  void aSenderOtherThanTheUserIsFineElsewhere() {
    List<AccountSettings> accounts = List.of(
        account("gmail").preset("gmail").login("noreply@corp.com", "bot@gmail.com").build(),
        account("aliyun").preset("aliyun").login("noreply@corp.com", "bot@corp.com").build(),
        account("163").preset("163").login("\"Ops\" <OPS@163.com>", "ops@163.com").build());

    assertThatCode(() -> AccountsValidator.validate(accounts, ENV)).doesNotThrowAnyException();
  }

  @Test
  void aUsernameWithoutAPasswordSourceIsRefused() {
    assertThat(problem(account("x").preset("163").login("bob@163.com", "bob@163.com").password(null, null)))
        .isEqualTo("accounts[x].username is 'bob@163.com' but neither passwordEnv nor passwordFile is set: set "
            + "passwordEnv to the name of an environment variable holding the account's authorization code (never "
            + "the authorization code itself)");
  }

  @Test
  void anUnsetPasswordVariableIsRefusedSayingWhatToExport() {
    assertThat(problem(account("x").preset("163").login("bob@163.com", "bob@163.com").password("UNSET_PASSWORD", null)))
        .isEqualTo("accounts[x].passwordEnv names UNSET_PASSWORD, which is not set: export it with the account's "
            + "authorization code");
    assertThat(problem(account("x").password("EMPTY_PASSWORD", null))).isEqualTo(
        "accounts[x].passwordEnv names EMPTY_PASSWORD, which is empty: export it with the account's password");
    assertThat(problem(account("x").preset("gmail").password("UNSET_PASSWORD", null)))
        .endsWith("export it with the account's app password");
  }

  @Test
  void anUnreadablePasswordFileIsRefusedNamingThePath() throws Exception {
    Path missing = dir.resolve("nowhere.pw");
    assertThat(problem(account("x").password(null, missing.toString()))).isEqualTo("accounts[x].passwordFile is '"
        + missing + "', which cannot be read (no such file): check the path and that the worker's user may read it");

    Path empty = Files.writeString(dir.resolve("empty.pw"), " \n", StandardCharsets.UTF_8);
    assertThat(problem(account("x").preset("qq").login("a@qq.com", "a@qq.com").password(null, empty.toString())))
        .isEqualTo("accounts[x].passwordFile is '" + empty + "', which is empty: write the account's authorization "
            + "code into it");
  }

  @Test
  void twoPasswordSourcesAreRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), SECRET, StandardCharsets.UTF_8);

    assertThat(problem(account("x").password("RELAY_PASSWORD", file.toString()))).isEqualTo("accounts[x] sets both "
        + "passwordEnv (RELAY_PASSWORD) and passwordFile ('" + file + "'): keep one of them");
  }

  @Test
  void aPasswordWithoutAUsernameIsRefused() {
    assertThat(problem(account("x").login("noreply@example.com", null))).isEqualTo("accounts[x].passwordEnv is set "
        + "but username is missing, so the worker would not log in: set username to the login (usually the mailbox "
        + "address), or remove passwordEnv");
  }

  @Test
  void aPresetWithoutAUsernameIsRefused() {
    assertThat(problem(account("x").preset("qq").login("a@qq.com", null).password(null, null))).isEqualTo(
        "accounts[x].username is missing but preset qq requires login: set username to the mailbox address you log "
            + "in with and passwordEnv to a variable holding its authorization code");
  }

  @Test
  void sendGridNeedsTheLiteralUsernameApikey() {
    assertThat(problem(account("sg").preset("sendgrid").login("noreply@corp.com", "bob")))
        .isEqualTo("accounts[sg].username is 'bob' but sendgrid expects the literal username 'apikey' with the API "
            + "key as password: set username: apikey");
  }

  @Test
  void anUnreadableTrustCertificateIsRefused() throws Exception {
    Spec missing = account("x");
    missing.trustCertificate = dir.resolve("ca.pem").toString();
    assertThat(problem(missing)).startsWith("accounts[x].trustCertificate is '" + dir.resolve("ca.pem")
        + "', which cannot be read as a PEM or DER X.509 certificate").contains("point it at the server's certificate");

    Spec garbage = account("x");
    garbage.trustCertificate = Files.writeString(dir.resolve("garbage.pem"), "not a certificate").toString();
    assertThat(problem(garbage)).contains("garbage.pem', which cannot be read as a PEM or DER X.509 certificate");
  }

  @Test
  void turningTheIdentityCheckOffIsWarnedNamingTheAccount() {
    Spec spec = account("legacy-relay");
    spec.checkServerIdentity = false;

    List<String> warnings = AccountsValidator.validate(List.of(spec.build()), ENV);

    assertThat(warnings).singleElement().asString()
        .startsWith("accounts[legacy-relay].checkServerIdentity is false: the certificate of smtp.example.com is not "
            + "matched against its host name")
        .contains("Remove it once")
        .doesNotContain(SECRET);
    assertThat(loggedWarnings()).containsExactlyElementsOf(warnings);
  }

  @Test
  void authorizationCodePresetsAreHintedAtStartUp() {
    AccountsValidator.validate(List.of(account("q").preset("qq").login("a@qq.com", "a@qq.com").build()), ENV);

    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
        .startsWith("accounts[q] uses preset qq: its password is an authorization code");
  }

  @Test
  void everyProblemIsReportedTogetherOnePerLineAndNoPasswordIsPrinted() throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), SECRET, StandardCharsets.UTF_8);
    Path empty = Files.writeString(dir.resolve("empty"), "", StandardCharsets.UTF_8);
    Spec noIdentity = account("no-identity").port(465, Security.STARTTLS);
    noIdentity.checkServerIdentity = false;
    Spec badCert = account("bad-cert");
    badCert.trustCertificate = pw.toString(); // the password file is no certificate: its content must not leak
    List<AccountSettings> accounts = List.of(
        account("dup").build(),
        account("dup").build(),
        account("ssl-on-587").port(587, Security.SSL).build(),
        noIdentity.build(),
        account("none-on-465").port(465, Security.NONE).build(),
        account("sender").preset("163").login("noreply@corp.com", "bob@163.com").build(),
        account("no-source").password(null, null).build(),
        account("unset").preset("qq").login("a@qq.com", "a@qq.com").password("UNSET_PASSWORD", null).build(),
        account("missing-file").password(null, dir.resolve("missing").toString()).build(),
        account("empty-file").password(null, empty.toString()).build(),
        account("both").password("RELAY_PASSWORD", pw.toString()).build(),
        account("no-user").login("a@example.com", null).build(),
        account("sg").preset("sendgrid").login("a@corp.com", "bob").build(),
        badCert.build());

    assertThatThrownBy(() -> AccountsValidator.validate(accounts, ENV))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> {
          List<String> lines = e.getMessage().lines().toList();
          assertThat(lines.get(0)).isEqualTo("13 problems in the sender accounts:");
          assertThat(lines.subList(1, lines.size())).hasSize(13).allSatisfy(line -> assertThat(line)
              .startsWith("accounts[").containsPattern("[:;.] (set|Set|use|give|export|check|write|keep|point) ")
              .doesNotContain(SECRET));
          assertThat(String.join("\n", lines)).contains("accounts[dup]", "accounts[ssl-on-587]",
              "accounts[no-identity]", "accounts[none-on-465]", "accounts[sender]", "accounts[no-source]",
              "accounts[unset]", "accounts[missing-file]", "accounts[empty-file]", "accounts[both]",
              "accounts[no-user]", "accounts[sg]", "accounts[bad-cert]");
        });
    List<String> logged = new ArrayList<>();
    logs.list.forEach(event -> logged.add(event.getFormattedMessage()));
    assertThat(logged).anySatisfy(line -> assertThat(line).startsWith("accounts[no-identity].checkServerIdentity"))
        .allSatisfy(line -> assertThat(line).doesNotContain(SECRET));
  }

  /** What one account can tell about itself is refused when it is built, with the same kind of message. */
  @Nested
  class RefusedWhenBuilt {

    @Test
    void hostMissingWithoutAPreset() {
      Spec spec = account("relay");
      spec.host = null;

      assertThatThrownBy(spec::build).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("accounts[relay] key 'host' is missing: set it to the SMTP server's host name, e.g. "
              + "smtp.example.com, or set 'preset' to one of " + Presets.names());
    }

    @Test
    void portMissingWithoutAPreset() {
      assertThatThrownBy(account("relay").port(null, null)::build)
          .hasMessageStartingWith("accounts[relay] key 'port' is missing: set it to 465 (ssl), 587 (starttls) or 25");
    }

    @Test
    void portOutOfRange() {
      assertThatThrownBy(account("relay").port(70000, null)::build)
          .hasMessage("accounts[relay].port is 70000: use 465 (ssl), 587 (starttls) or 25");
    }

    @Test
    void unknownPreset() {
      assertThatThrownBy(account("qq-support").preset("qqmail")::build)
          .hasMessageStartingWith("accounts[qq-support].preset 'qqmail' is unknown: use one of qq, qq-exmail, 163, ");
    }

    @Test
    void poolSizeOutOfRange() {
      assertThatThrownBy(() -> new AccountSettings("relay", "smtp.example.com", 587, null, "a@example.com", null, null,
          null, null, null, null, List.of(), false, true, null, null, null, 33, null))
          .hasMessageStartingWith("accounts[relay].poolSize is 33: use 1 to 32");
      assertThatThrownBy(() -> new AccountSettings("relay", "smtp.example.com", 587, null, "a@example.com", null, null,
          null, null, null, null, List.of(), false, true, null, null, null, 0, null))
          .hasMessageStartingWith("accounts[relay].poolSize is 0");
    }

    @Test
    void limitsNameTheAccount() {
      assertThatThrownBy(() -> Limits.forAccount("qq", 0.0, null, null, null, null))
          .hasMessageStartingWith("accounts[qq].limits.ratePerSecond is 0: set it to the messages per second");
      assertThatThrownBy(() -> Limits.forAccount("qq", Double.NaN, null, null, null, null))
          .hasMessageStartingWith("accounts[qq].limits.ratePerSecond is NaN");
      assertThatThrownBy(() -> Limits.forAccount("qq", 1.0, 0, null, null, null))
          .hasMessageStartingWith("accounts[qq].limits.burst is 0: set it to at least 1");
      assertThatThrownBy(() -> Limits.forAccount("qq", 1.0, null, 0, null, null))
          .hasMessageStartingWith("accounts[qq].limits.perMinute is 0: set it to at least 1");
      assertThatThrownBy(() -> Limits.forAccount("qq", 1.0, null, null, -5, null))
          .hasMessageStartingWith("accounts[qq].limits.perDay is -5: set it to at least 1");
      assertThatThrownBy(() -> Limits.forAccount("qq", 1.0, null, null, null, 0.6))
          .hasMessageStartingWith("accounts[qq].limits.criticalReserve is 0.6: set it to the fraction of the burst "
              + "and quotas kept for critical mail, from 0 (none) to 0.5, or leave it out for 0.1");
    }

    @Test
    void theCriticalReserveIsRoundedDownAndNeverTakesAWholeLimit() {
      Limits tenth = Limits.builder().ratePerSecond(1).criticalReserve(0.1).build();
      assertThat(tenth.reserveOf(20)).isEqualTo(2);
      assertThat(tenth.reserveOf(19)).isEqualTo(1);
      assertThat(tenth.reserveOf(5)).isZero();
      Limits half = Limits.builder().ratePerSecond(1).criticalReserve(0.5).build();
      assertThat(half.reserveOf(2)).isEqualTo(1);
      assertThat(half.reserveOf(1)).isZero();
      assertThat(Limits.builder().ratePerSecond(1).criticalReserve(0).build().reserveOf(1_000)).isZero();
    }

    @Test
    void limitsDefaultTheBurstToTheRateRoundedUp() {
      assertThat(Limits.forAccount("qq", 2.5, null, null, null, null)).isEqualTo(new Limits(2.5, 3, null, null));
      assertThat(Limits.forAccount("qq", 0.2, null, 100, 500, null)).isEqualTo(new Limits(0.2, 1, 100, 500));
      assertThat(Limits.forAccount("qq", null, null, null, null, null)).isEqualTo(Limits.DEFAULT);
      assertThat(Limits.DEFAULT).isEqualTo(new Limits(10, 10, null, null));
    }

    @Test
    void defaultsForTheNewSettings() {
      AccountSettings account = account("relay").build();

      assertThat(account.checkServerIdentity()).isTrue();
      assertThat(account.trustCertificate()).isNull();
      assertThat(account.trustedCertificate()).isEmpty();
      assertThat(account.poolSize()).isEqualTo(1);
      assertThat(account.limits()).isEqualTo(Limits.DEFAULT);
      assertThat(account.preset()).isNull();
    }

    @Test
    void noMessageShowsThePassword() {
      Map<String, String> env = Map.of("RELAY_PASSWORD", SECRET);
      AccountSettings account = account("relay").build();

      assertThat(account.password(env::get)).isEqualTo(SECRET);
      assertThat(account.toString()).doesNotContain(SECRET);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"qq", "163", "gmail", "outlook"})
  void aReturnPathIsRefusedWhereTheProviderTakesOnlyTheLoggedInUserAsEnvelopeSender(String preset) {
    Spec spec = account("mailbox").preset(preset).login("bot@corp.com", "bot@corp.com");
    spec.returnPath = "bounces+{id}@bounces.corp.com";

    assertThat(problem(spec)).startsWith("accounts[mailbox].returnPath is 'bounces+{id}@bounces.corp.com' but "
            + preset + " (")
        .contains("requires MAIL FROM to be the authenticated user")
        .contains("Remove returnPath from this account")
        .contains("header-only");
  }

  @Test
  void aReturnPathIsRefusedWhenTheAccountSpellsOutSuchAProvidersHost() {
    Spec spec = account("netease").login("bot@163.com", "bot@163.com");
    spec.host = "smtp.163.com";
    spec.port = 465;
    spec.returnPath = "bounces+{id}@bounces.corp.com";

    assertThat(problem(spec)).contains("but 163 (smtp.163.com) does not take an envelope sender");
  }

  @Test
  void aReturnPathPassesOnARelayOfOurOwn() {
    Spec spec = account("relay");
    spec.returnPath = " bounces+{id}@bounces.corp.com ";

    AccountSettings relay = spec.build();
    assertThat(AccountsValidator.validate(List.of(relay), ENV)).isEmpty();
    assertThat(relay.returnPath()).isEqualTo("bounces+{id}@bounces.corp.com");
    assertThat(relay.envelopeSender("5f7614d0-0b1e-3d00-9cc8-4136f5f6c443"))
        .isEqualTo("bounces+5f7614d0-0b1e-3d00-9cc8-4136f5f6c443@bounces.corp.com");
    assertThat(relay.envelopeSender("bench-run-7")).as("an id the bounce reader could not read back").isNull();
    assertThat(account("plain").build().envelopeSender("5f7614d0-0b1e-3d00-9cc8-4136f5f6c443")).isNull();
  }
}
