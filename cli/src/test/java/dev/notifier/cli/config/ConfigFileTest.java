package dev.notifier.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.cli.config.ConfigFile.ConfigException;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.sender.config.Security;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  @TempDir
  Path dir;

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("notifier.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void theShippedExampleLoads() {
    NotifierConfig config = ConfigFile.load(Path.of("..", "config", "example.yaml"));

    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.streams().dedupWindow()).isEqualTo(Duration.ofHours(24));
    assertThat(config.accounts().get(0).security()).isEqualTo(Security.STARTTLS);
    assertThat(config.accounts().get(0).passwordEnv()).isEqualTo("NOTIFIER_SMTP_PASSWORD");
    assertThat(config.router().accountFor("qa")).isEqualTo("qa-team");
    assertThat(config.router().accountFor("billing")).isEqualTo("company");
    assertThat(config.workerSettings().groupId()).isEqualTo("notifier-senders");
    assertThat(config.topics().partitions()).isEqualTo(6);
  }

  @Test
  void theTopicsSectionIsOptionalAndABadLayoutNamesTheKey() throws IOException {
    String base = "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n";
    assertThat(ConfigFile.load(write(base)).topics()).isEqualTo(TopicLayout.defaults());

    assertThatThrownBy(() -> ConfigFile.load(write(base + "topics: {partitions: 0}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("topics.partitions is 0");
    assertThatThrownBy(() -> ConfigFile.load(write(base
        + "topics:\n  configs:\n    notifier.status: {cleanup.policy: delete}\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics.configs.notifier.status.cleanup.policy is delete, but the topic needs compact");
  }

  @Test
  void aMissingFileNamesThePath() {
    assertThatThrownBy(() -> ConfigFile.load(dir.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml").hasMessageContaining("--config");
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndTheFix() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 99999, from: a@example.com}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("accounts[0]").hasMessageContaining("99999").hasMessageContaining("465");
  }

  @Test
  void theRetiredCommitWhenCaughtUpKeyNamesTheKeyAndWhatToDoInstead() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n"
        + "streams: {commitWhenCaughtUp: PT0.02S}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.commitWhenCaughtUp is PT0.02S: this key is retired")
        .hasMessageContaining("Delete the key");
  }

  @Test
  void anUnknownSecurityModeIsRefusedWithTheChoices() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 465, security: tls, from: a@example.com}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("security").hasMessageContaining("'tls'").hasMessageContaining("ssl, starttls or none");
  }

  @Test
  void noSystemDefaultAccountIsRefusedWhenRouting() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com}\n");

    assertThatThrownBy(() -> ConfigFile.load(file).router())
        .hasMessageContaining("exactly one account must have systemDefault: true");
  }

  @Test
  void aMisspelledKeyIsRefused() throws IOException {
    Path file = write("kafka: {bootstrapServer: 'localhost:9092'}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrapServer");
  }

  @Test
  void aNegativeDedupWindowIsRefused() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\nstreams: {dedupWindow: PT-1H}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.dedupWindow").hasMessageContaining("PT-1H");
  }

  @Test
  void theSuppressionPolicyIsReadFromTheStreamsSectionAndABadValueIsNamed() throws IOException {
    String base = "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n";
    assertThat(ConfigFile.load(write(base)).streams().suppressions().softBounces()).isEqualTo(3);

    NotifierConfig config = ConfigFile.load(write(base + "streams:\n  suppressions:\n    exemptCritical: false\n"
        + "    softBounces: 5\n    softBounceWindow: P3D\n    hardBounceFor: P365D\n"));
    assertThat(config.streams().suppressions().exemptCritical()).isFalse();
    assertThat(config.streams().suppressions().softBounces()).isEqualTo(5);
    assertThat(config.streams().suppressions().softBounceWindow()).isEqualTo(Duration.ofDays(3));
    assertThat(config.streams().suppressions().hardBounceFor()).isEqualTo(Duration.ofDays(365));
    assertThat(config.streams().suppressions().softBounceFor()).isEqualTo(Duration.ofDays(30));

    assertThatThrownBy(() -> ConfigFile.load(write(base + "streams: {suppressions: {softBounces: 0}}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("streams.suppressions.softBounces is 0");
  }

  @Test
  void theBounceMailboxAndWebhookSectionsAreOptionalAndCheckedWithTheKeyNamed() throws IOException {
    String base = "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n";
    assertThat(ConfigFile.load(write(base)).bounces()).isNull();
    assertThat(ConfigFile.load(write(base)).webhooks()).isNull();

    NotifierConfig config = ConfigFile.load(write(base + "bounces: {host: imap.example.com, username: b, "
        + "passwordEnv: BOUNCES_PASSWORD}\nwebhooks: {sesTopicArns: ['arn:aws:sns:eu-west-1:1:b']}\n"));
    assertThat(config.bounces().port()).isEqualTo(993);
    assertThat(config.bounces().security()).isEqualTo("ssl");
    assertThat(config.bounces().source()).isEqualTo("imap:b@imap.example.com/INBOX");
    assertThat(config.webhooks().port()).isEqualTo(8089);
    assertThat(config.webhooks().host()).isEqualTo("127.0.0.1");

    assertThatThrownBy(() -> ConfigFile.load(write(base + "bounces: {host: imap.example.com, username: b, "
        + "security: none, passwordEnv: P}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bounces.security none sends the password in clear");
    assertThatThrownBy(() -> ConfigFile.load(write(base + "webhooks: {port: 8089}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("an unsigned webhook is never accepted");
  }

  @Test
  void theUnsubscribeSectionIsOptionalNeedsHttpsAndAKeyVariableAndLetsTheReceiverServeOnlyIt() throws IOException {
    String base = "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n";
    assertThat(ConfigFile.load(write(base)).unsubscribe()).isNull();

    NotifierConfig config = ConfigFile.load(write(base + "unsubscribe: {baseUrl: 'https://mail.example.com/', "
        + "keyEnv: NOTIFIER_UNSUBSCRIBE_KEY}\nwebhooks: {port: 8089}\n"));
    assertThat(config.unsubscribe().baseUrl()).isEqualTo("https://mail.example.com");
    assertThat(config.unsubscribe().keyEnv()).isEqualTo("NOTIFIER_UNSUBSCRIBE_KEY");
    assertThat(config.webhooks().port()).isEqualTo(8089);

    assertThatThrownBy(() -> ConfigFile.load(write(base + "unsubscribe: {baseUrl: 'http://mail.example.com', "
        + "keyEnv: K}\n"))).isInstanceOf(ConfigException.class).hasMessageContaining("https");
    assertThatThrownBy(() -> ConfigFile.load(write(base + "unsubscribe: {baseUrl: 'https://mail.example.com'}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unsubscribe.keyEnv is missing");
  }

  @Test
  void theIntegritySectionIsOffByDefaultAndABadOneNamesKeyValueAndFixWithoutTheSecret() throws IOException {
    String base = "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n";
    NotifierConfig plain = ConfigFile.load(write(base));
    assertThat(plain.integrity().mode()).isEqualTo(dev.notifier.schemas.integrity.IntegrityMode.OFF);
    assertThat(plain.keyring(name -> null).signs()).isFalse();

    String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
    NotifierConfig on = ConfigFile.load(write(base + "integrity:\n  mode: require\n  signWith: k2\n  keys:\n"
        + "    - {id: k2, secretEnv: NOTIFIER_K2}\n    - {id: k1, secretFile: " + dir.resolve("k1") + "}\n"));
    Files.writeString(dir.resolve("k1"), secret + "\n");
    dev.notifier.schemas.integrity.Keyring ring = on.keyring(java.util.Map.of("NOTIFIER_K2", secret)::get);
    assertThat(ring.requires()).isTrue();
    assertThat(ring.signWith()).isEqualTo("k2");
    assertThat(on.toString()).doesNotContain(secret);
    assertThat(ring.toString()).doesNotContain(secret);

    assertThatThrownBy(() -> ConfigFile.load(write(base + "integrity: {mode: strict}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("integrity.mode").hasMessageContaining("'strict'")
        .hasMessageContaining("require");
    assertThatThrownBy(() -> ConfigFile.load(write(base + "integrity:\n  mode: sign\n  signWith: k9\n  keys:\n"
        + "    - {id: k1, secretEnv: NOTIFIER_K1}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("integrity.signWith 'k9'").hasMessageContaining("[k1]");
    assertThatThrownBy(() -> ConfigFile.load(write(base + "integrity:\n  mode: sign\n  signWith: k1\n  keys:\n"
        + "    - {id: k1, secret: abc}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("integrity.keys[0].secret");
    String shortSecret = java.util.Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> on.keyring(java.util.Map.of("NOTIFIER_K2", shortSecret)::get))
        .isInstanceOf(ConfigException.class).hasMessageContaining("integrity.keys[0] (id 'k2')")
        .hasMessageContaining("16 bytes").hasMessageContaining("openssl rand -base64 32")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(shortSecret));
    assertThatThrownBy(() -> on.keyring(name -> null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("secretEnv NOTIFIER_K2 is not set");
  }
}
