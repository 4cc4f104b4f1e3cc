package dev.notifier.sender.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Accounts bind from YAML exactly as the cli's ConfigFile binds them. */
class AccountSettingsYamlTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .registerModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final TypeReference<List<AccountSettings>> ACCOUNTS = new TypeReference<>() {
  };

  private static List<AccountSettings> bind(String yaml) throws Exception {
    return YAML.readValue(yaml, ACCOUNTS);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root instanceof JsonMappingException m ? m.getOriginalMessage() : root.getMessage();
  }

  @Test
  void aPresetOnlyAccountBindsWithHostPortAndSecurityResolved() throws Exception {
    AccountSettings account = bind("- {id: q, preset: qq, from: a@qq.com, username: a@qq.com, passwordEnv: QQ_PW}")
        .get(0);

    assertThat(account.id()).isEqualTo("q");
    assertThat(account.preset()).isEqualTo("qq");
    assertThat(account.host()).isEqualTo("smtp.qq.com");
    assertThat(account.port()).isEqualTo(465);
    assertThat(account.security()).isEqualTo(Security.SSL);
    assertThat(account.passwordEnv()).isEqualTo("QQ_PW");
    assertThat(account.checkServerIdentity()).isTrue();
    assertThat(account.poolSize()).isEqualTo(1);
    assertThat(account.limits()).isEqualTo(Limits.DEFAULT);
    assertThat(account.isEnabled()).isTrue();
    assertThat(account.systemDefault()).isFalse();
  }

  @Test
  void theSecurityKeysBindAndDefaultToTheSafeSide() throws Exception {
    List<AccountSettings> accounts = bind("""
        - {id: relay, host: 127.0.0.1, port: 25, security: none, from: a@corp.com, allowPlaintextAuth: true,
           allowedRecipientDomains: [Corp.COM, "*.corp.com."], maxRecipients: 3}
        - {id: plain, host: 127.0.0.1, port: 25, security: none, from: a@corp.com}
        """);

    assertThat(accounts.get(0).allowPlaintextAuth()).isTrue();
    assertThat(accounts.get(0).recipients()).isEqualTo(new RecipientPolicy(List.of("corp.com", "*.corp.com"), 3));
    assertThat(accounts.get(1).allowPlaintextAuth()).isFalse();
    assertThat(accounts.get(1).recipients()).isEqualTo(RecipientPolicy.DEFAULT);
    assertThat(RecipientPolicy.DEFAULT.maxRecipients()).isEqualTo(1);
  }

  @Test
  void aBadRecipientPolicyIsRefusedNamingTheAccount() {
    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, maxRecipients: 0}"))
        .satisfies(e -> assertThat(rootMessage(e)).startsWith("accounts[r].maxRecipients is 0: use 1 to 100"));
    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, allowedRecipientDomains: [\"a b\"]}"))
        .satisfies(e -> assertThat(rootMessage(e)).isEqualTo("accounts[r].allowedRecipientDomains has 'a b', which "
            + "is not a domain: write example.com, or *.example.com for its subdomains"));
  }

  @Test
  void everyNewSettingBinds() throws Exception {
    AccountSettings account = bind("""
        - id: company
          preset: gmail
          port: 465
          from: Notifier <noreply@corp.com>
          username: bot@gmail.com
          passwordFile: /run/secrets/gmail
          connectTimeout: PT5S
          teams: [qa, ops]
          systemDefault: true
          checkServerIdentity: false
          trustCertificate: /etc/notifier/relay-ca.pem
          poolSize: 4
          limits:
            ratePerSecond: 2.5
            perMinute: 100
            perDay: 2000
        """).get(0);

    assertThat(account.host()).isEqualTo("smtp.gmail.com");
    assertThat(account.port()).isEqualTo(465);
    assertThat(account.security()).isEqualTo(Security.SSL);
    assertThat(account.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(account.teams()).containsExactly("qa", "ops");
    assertThat(account.systemDefault()).isTrue();
    assertThat(account.checkServerIdentity()).isFalse();
    assertThat(account.trustCertificate()).isEqualTo("/etc/notifier/relay-ca.pem");
    assertThat(account.poolSize()).isEqualTo(4);
    assertThat(account.limits()).isEqualTo(new Limits(2.5, 3, 100, 2000));
  }

  @Test
  void limitsBindWithTheirDefaults() throws Exception {
    List<AccountSettings> accounts = bind("""
        - {id: slow, preset: 163, from: a@163.com, username: a@163.com, passwordEnv: PW, limits: {ratePerSecond: 0.5}}
        - {id: bursty, preset: sendgrid, from: a@corp.com, username: apikey, passwordEnv: PW,
           limits: {ratePerSecond: 20, burst: 50}}
        """);

    assertThat(accounts.get(0).limits()).isEqualTo(new Limits(0.5, 1, null, null));
    assertThat(accounts.get(1).limits()).isEqualTo(new Limits(20, 50, null, null));
  }

  @Test
  void badLimitsNameTheAccountAndTheKey() {
    assertThatThrownBy(() -> bind("- {id: q, preset: qq, from: a@qq.com, limits: {ratePerSecond: -1}}"))
        .isInstanceOf(JsonMappingException.class)
        .satisfies(e -> assertThat(rootMessage(e)).startsWith("accounts[q].limits.ratePerSecond is -1: set it to"));
    assertThatThrownBy(() -> bind("- {id: q, preset: qq, from: a@qq.com, limits: {ratePerSecond: 1, burst: 0}}"))
        .satisfies(e -> assertThat(rootMessage(e)).startsWith("accounts[q].limits.burst is 0"));
  }

  @Test
  void unknownKeysAreRefused() {
    assertThatThrownBy(() -> bind("- {id: q, preset: qq, from: a@qq.com, limits: {rate: 1}}"))
        .isInstanceOf(JsonMappingException.class)
        .hasMessageContaining("rate");
    assertThatThrownBy(() -> bind("- {id: q, preset: qq, from: a@qq.com, password: hunter2}"))
        .isInstanceOf(JsonMappingException.class)
        .hasMessageContaining("password");
  }

  @Test
  void anUnknownPresetOrAMissingPortIsRefusedNamingTheAccount() {
    assertThatThrownBy(() -> bind("- {id: qq-support, preset: qqmail, from: a@qq.com}"))
        .satisfies(e -> assertThat(rootMessage(e)).startsWith("accounts[qq-support].preset 'qqmail' is unknown"));
    assertThatThrownBy(() -> bind("- {id: relay, host: smtp.example.com, from: a@example.com}"))
        .satisfies(e -> assertThat(rootMessage(e)).startsWith("accounts[relay] key 'port' is missing"));
  }

  @Test
  void theTransportDefaultsToAutoBindsAndAnUnknownOneIsRefusedNamingTheAccount() throws Exception {
    assertThat(bind("- {id: q, preset: qq, from: a@qq.com}").get(0).transport()).isEqualTo(Transport.AUTO);
    assertThat(bind("- {id: q, preset: qq, from: a@qq.com, transport: Angus}").get(0).transport())
        .isEqualTo(Transport.ANGUS);
    assertThat(bind("- {id: q, preset: qq, from: a@qq.com, transport: pipelining}").get(0).transport())
        .isEqualTo(Transport.PIPELINING);
    assertThatThrownBy(() -> bind("- {id: q, preset: qq, from: a@qq.com, transport: netty}"))
        .satisfies(e -> assertThat(rootMessage(e)).isEqualTo("accounts[q].transport 'netty' is unknown: use auto "
            + "(the default: pipelining where the server offers it), angus or pipelining"));
  }

  @Test
  void explicitAccountsBindAsBefore() throws Exception {
    AccountSettings account = bind("""
        - {id: relay, host: smtp.example.com, port: 587, security: starttls, from: a@example.com}
        """).get(0);

    assertThat(account.security()).isEqualTo(Security.STARTTLS);
    assertThat(account.preset()).isNull();
    assertThat(account.authenticates()).isFalse();
  }

  @Test
  void theExampleConfigsAccountsStillBind() throws Exception {
    Path example = Path.of("..", "config", "example.yaml");
    List<AccountSettings> accounts = YAML.convertValue(YAML.readTree(Files.readString(example)).get("accounts"),
        ACCOUNTS);

    assertThat(accounts).extracting(AccountSettings::id).contains("company");
    assertThat(accounts).allSatisfy(a -> assertThat(a.port()).isBetween(1, 65535));
  }

  @Test
  void aReturnPathBindsAndABadOneIsRefusedNamingTheKeyTheValueAndTheFix() throws Exception {
    assertThat(bind("- {id: r, host: h, port: 25, from: a@corp.com, returnPath: 'bounces+{id}@bounces.corp.com'}")
        .get(0).returnPath()).isEqualTo("bounces+{id}@bounces.corp.com");
    assertThat(bind("- {id: r, host: h, port: 25, from: a@corp.com}").get(0).returnPath()).isNull();

    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, returnPath: 'bounces@corp.com'}"))
        .satisfies(e -> assertThat(rootMessage(e)).isEqualTo("accounts[r].returnPath is 'bounces@corp.com': it must "
            + "contain {id} exactly once, where the notification id goes (it contains it 0 times): use e.g. "
            + "bounces+{id}@bounces.example.com"));
    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, returnPath: 'b+{id}{id}@corp.com'}"))
        .satisfies(e -> assertThat(rootMessage(e)).contains("exactly once").contains("2 times"));
    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, returnPath: 'bounces-{id}@corp.com'}"))
        .satisfies(e -> assertThat(rootMessage(e)).startsWith("accounts[r].returnPath is 'bounces-{id}@corp.com': it "
            + "must have the shape <name>+{id}@<domain>"));
    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, returnPath: 'bounces+{id}@'}"))
        .satisfies(e -> assertThat(rootMessage(e)).contains("its domain '' is not a host name"));
    assertThatThrownBy(() -> bind("- {id: r, host: h, port: 25, from: a@corp.com, returnPath: 'b+{id}@corp'}"))
        .satisfies(e -> assertThat(rootMessage(e)).contains("its domain 'corp' is not a host name"));
  }

  @Test
  void onlyAnAccountRelayingThroughSendGridTagsItsMailForSendGridsEvents() throws Exception {
    List<AccountSettings> accounts = bind("""
        - {id: sg, preset: sendgrid, from: a@corp.com, username: apikey, passwordEnv: PW}
        - {id: spelled, host: SMTP.SendGrid.net, port: 587, from: a@corp.com, username: apikey, passwordEnv: PW}
        - {id: relay, host: 127.0.0.1, port: 25, security: none, from: a@corp.com}
        - {id: q, preset: qq, from: a@qq.com, username: a@qq.com, passwordEnv: QQ_PW}
        """);

    assertThat(accounts).extracting(AccountSettings::relaysThroughSendGrid).containsExactly(true, true, false, false);
  }
}
