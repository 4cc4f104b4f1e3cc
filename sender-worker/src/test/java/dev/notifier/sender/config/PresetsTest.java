package dev.notifier.sender.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PresetsTest {

  /** An account that names only a preset, the sender and the login, as a config file would. */
  private static AccountSettings presetOnly(String preset, String host, Integer port, Security security) {
    return AccountSettings.fromConfig("acct", preset, host, port, security, "ops@example.com", "ops@example.com",
        "SMTP_PASSWORD", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  @ParameterizedTest(name = "{0} -> {1}:{2} {3}")
  @CsvSource({
      "qq,                smtp.qq.com,           465, SSL",
      "qq-exmail,         smtp.exmail.qq.com,    465, SSL",
      "163,               smtp.163.com,          465, SSL",
      "126,               smtp.126.com,          465, SSL",
      "aliyun,            smtp.mxhichina.com,    465, SSL",
      "aliyun-directmail, smtpdm.aliyun.com,     465, SSL",
      "sendgrid,          smtp.sendgrid.net,     587, STARTTLS",
      "gmail,             smtp.gmail.com,        587, STARTTLS",
      "outlook,           smtp-mail.outlook.com, 587, STARTTLS",
      "hotmail,           smtp.live.com,         587, STARTTLS",
      "yahoo,             smtp.mail.yahoo.com,   465, SSL",
      "icloud,            smtp.mail.me.com,      587, STARTTLS",
      "zoho,              smtp.zoho.com,         465, SSL"})
  void everyPresetFillsHostPortAndSecurity(String preset, String host, int port, Security security) {
    AccountSettings account = presetOnly(preset, null, null, null);

    assertThat(account.host()).isEqualTo(host);
    assertThat(account.port()).isEqualTo(port);
    assertThat(account.security()).isEqualTo(security);
    assertThat(account.preset()).isEqualTo(preset);
    assertThat(account.presetDetails()).hasValueSatisfying(p -> assertThat(p.host()).isEqualTo(host));
  }

  @Test
  void theTableHasExactlyTheDocumentedProviders() {
    assertThat(Presets.ALL).extracting(Preset::name).containsExactly("qq", "qq-exmail", "163", "126", "aliyun",
        "aliyun-directmail", "sendgrid", "gmail", "outlook", "hotmail", "yahoo", "icloud", "zoho");
  }

  @Test
  void providersThatRefuseAnotherSenderAreMarked() {
    assertThat(Presets.ALL).filteredOn(Preset::mailFromMustEqualUser).extracting(Preset::name)
        .containsExactly("qq", "qq-exmail", "163", "126", "aliyun-directmail");
  }

  @Test
  void providersWhosePasswordIsAnAuthorizationCodeAreMarked() {
    assertThat(Presets.ALL).filteredOn(Preset::needsAuthorizationCode).extracting(Preset::name)
        .containsExactly("qq", "163", "126");
    assertThat(Presets.find("sendgrid")).hasValueSatisfying(p -> {
      assertThat(p.fixedUsername()).isEqualTo("apikey");
      assertThat(p.passwordKind()).isEqualTo("API key");
    });
    assertThat(Presets.find("gmail").orElseThrow().passwordKind()).isEqualTo("app password");
    assertThat(Presets.find("icloud").orElseThrow().passwordKind()).isEqualTo("app-specific password");
  }

  @Test
  void explicitHostPortAndSecurityWin() {
    AccountSettings account = presetOnly("163", "smtp.internal.example", 994, Security.SSL);

    assertThat(account.host()).isEqualTo("smtp.internal.example");
    assertThat(account.port()).isEqualTo(994);
    assertThat(account.security()).isEqualTo(Security.SSL);
    assertThat(presetOnly("qq", null, 587, Security.STARTTLS).security()).isEqualTo(Security.STARTTLS);
  }

  @Test
  void anOverriddenPortWithoutSecurityGetsTheSecurityOfThatPort() {
    AccountSettings gmailOn465 = presetOnly("gmail", null, 465, null);
    AccountSettings yahooOn587 = presetOnly("yahoo", null, 587, null);

    assertThat(gmailOn465.host()).isEqualTo("smtp.gmail.com");
    assertThat(gmailOn465.security()).isEqualTo(Security.SSL);
    assertThat(yahooOn587.security()).isEqualTo(Security.STARTTLS);
  }

  @Test
  void presetNamesIgnoreCaseAndBlanks() {
    assertThat(presetOnly(" QQ ", null, null, null).preset()).isEqualTo("qq");
    assertThat(Presets.find("Gmail")).isPresent();
    assertThat(Presets.find(null)).isEmpty();
  }

  @Test
  void theCanonicalConstructorResolvesAPresetToo() {
    AccountSettings account = new AccountSettings("acct", null, 465, null, "ops@qq.com", "ops@qq.com", "QQ_PW", null,
        null, null, null, List.of(), false, true, "qq", null, null, null, null);

    assertThat(account.host()).isEqualTo("smtp.qq.com");
    assertThat(account.security()).isEqualTo(Security.SSL);
  }

  @Test
  void anUnknownPresetIsRefusedListingTheKnownOnes() {
    assertThatThrownBy(() -> AccountSettings.fromConfig("qq-support", "qqmail", null, null, null, "a@qq.com", null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("accounts[qq-support].preset 'qqmail' is unknown: use one of qq, qq-exmail, 163, 126, "
            + "aliyun, aliyun-directmail, sendgrid, gmail, outlook, hotmail, yahoo, icloud, zoho");
  }

  @Test
  void anUnknownPresetIsRefusedEvenWhenHostAndPortAreSet() {
    assertThatThrownBy(() -> presetOnly("gmial", "smtp.gmail.com", 587, Security.STARTTLS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accounts[acct].preset 'gmial' is unknown");
  }
}
