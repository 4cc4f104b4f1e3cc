package dev.notifier.sender.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountSettingsTest {

  private static final String SECRET = "s3cr3t-authorization-code";

  private static AccountSettings account(String host, int port, String from, String username, String passwordEnv,
      String passwordFile) {
    return new AccountSettings("qq-support", host, port, Security.SSL, from, username, passwordEnv, passwordFile,
        null, null, null);
  }

  private static AccountSettings withEnv(String variable) {
    return account("smtp.qq.com", 465, "support@qq.com", "support@qq.com", variable, null);
  }

  @Test
  void toStringNeverShowsThePassword() {
    AccountSettings account = withEnv("QQ_SMTP_PASSWORD");
    Function<String, String> env = Map.of("QQ_SMTP_PASSWORD", SECRET)::get;

    assertThat(account.password(env)).isEqualTo(SECRET);
    assertThat(account.toString())
        .doesNotContain(SECRET)
        .contains("qq-support", "support@qq.com", "smtp.qq.com:465", "SSL");
  }

  @Test
  void toStringNeverShowsAPasswordReadFromAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("password"), SECRET + "\n", StandardCharsets.UTF_8);
    AccountSettings account = account("smtp.163.com", 465, "ops@163.com", "ops@163.com", null, file.toString());

    assertThat(account.password(name -> null)).isEqualTo(SECRET);
    assertThat(account.toString()).doesNotContain(SECRET);
  }

  @Test
  void defaultsSecurityEhloNameAndTimeouts() {
    AccountSettings account = new AccountSettings("relay", "mail.example.com", 587, null, "noreply@example.com",
        null, null, null, "  ", null, null);

    assertThat(account.security()).isEqualTo(Security.STARTTLS);
    assertThat(account.ehloName()).isEqualTo("localhost.localdomain");
    assertThat(account.connectTimeout()).isEqualTo(AccountSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(account.readTimeout()).isEqualTo(AccountSettings.DEFAULT_READ_TIMEOUT);
    assertThat(account.authenticates()).isFalse();
  }

  @Test
  void missingHostIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> account(null, 465, "support@qq.com", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'host'");
    assertThatThrownBy(() -> account("  ", 465, "support@qq.com", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'host'");
  }

  @Test
  void missingFromIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> account("smtp.qq.com", 465, null, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'from'");
  }

  @Test
  void missingIdIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> AccountSettings.local(null, "localhost", 25, "a@b.c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'id'");
  }

  @Test
  void badPortIsRefusedNamingTheKeyAndTheValue() {
    assertThatThrownBy(() -> account("smtp.qq.com", 0, "support@qq.com", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accounts[qq-support].port is 0");
    assertThatThrownBy(() -> account("smtp.qq.com", 65536, "support@qq.com", null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port is 65536");
  }

  @Test
  void passwordIsReadFromTheNamedEnvironmentVariable() {
    Function<String, String> env = Map.of("QQ_SMTP_PASSWORD", SECRET, "OTHER", "not-this-one")::get;

    assertThat(withEnv("QQ_SMTP_PASSWORD").password(env)).isEqualTo(SECRET);
  }

  @Test
  void unsetPasswordVariableFailsNamingTheVariable() {
    AccountSettings account = withEnv("QQ_SMTP_PASSWORD");

    assertThatThrownBy(() -> account.password(name -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("QQ_SMTP_PASSWORD")
        .hasMessageContaining("qq-support")
        .hasMessageContaining("not set");
    assertThatThrownBy(() -> account.password(name -> ""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("QQ_SMTP_PASSWORD");
  }

  @Test
  void passwordFileIsReadAndStripped(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("smtp.pw"), "  " + SECRET + "\r\n", StandardCharsets.UTF_8);
    AccountSettings account = account("smtp.163.com", 465, "ops@163.com", "ops@163.com", null, file.toString());

    assertThat(account.password(name -> {
      throw new AssertionError("the environment must not be consulted, but " + name + " was");
    })).isEqualTo(SECRET);
  }

  @Test
  void unreadablePasswordFileFailsNamingThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere.pw");
    AccountSettings account = account("smtp.163.com", 465, "ops@163.com", "ops@163.com", null, missing.toString());

    assertThatThrownBy(() -> account.password(name -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void usernameWithoutAnyPasswordSourceFailsClearly() {
    AccountSettings account = account("smtp.qq.com", 465, "support@qq.com", "support@qq.com", null, null);

    assertThat(account.authenticates()).isTrue();
    assertThatThrownBy(() -> account.password(name -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("passwordEnv or passwordFile");
  }

  @Test
  void localAccountsDoNotAuthenticate() {
    AccountSettings local = AccountSettings.local("default", "127.0.0.1", 2525, "noreply@notifier.test");

    assertThat(local.authenticates()).isFalse();
    assertThat(local.security()).isEqualTo(Security.NONE);
    assertThat(local.ehloName()).isEqualTo("notifier.local");
  }
}
