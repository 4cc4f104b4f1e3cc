package dev.notifier.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.cli.config.ConfigFile.ConfigException;
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
    assertThat(config.requireWorker().accounts().get(0).security()).isEqualTo(Security.STARTTLS);
    assertThat(config.requireWorker().accounts().get(0).passwordEnv()).isEqualTo("NOTIFIER_SMTP_PASSWORD");
  }

  @Test
  void aMissingFileNamesThePath() {
    assertThatThrownBy(() -> ConfigFile.load(dir.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml").hasMessageContaining("--config");
  }

  @Test
  void aBadValueNamesTheKeyTheValueAndTheFix() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "worker:\n  accounts:\n    - {id: a, host: h, port: 99999, from: a@example.com}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("worker.accounts[0]").hasMessageContaining("99999").hasMessageContaining("465");
  }

  @Test
  void anUnknownSecurityModeIsRefusedWithTheChoices() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "worker:\n  accounts:\n    - {id: a, host: h, port: 465, security: tls, from: a@example.com}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("security").hasMessageContaining("'tls'").hasMessageContaining("ssl, starttls or none");
  }

  @Test
  void aMisspelledKeyIsRefused() throws IOException {
    Path file = write("kafka: {bootstrapServer: 'localhost:9092'}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrapServer");
  }

  @Test
  void aNegativeDedupWindowIsRefused() throws IOException {
    Path file = write("kafka: {bootstrapServers: 'localhost:9092'}\nstreams: {dedupWindow: PT-1H}\n");

    assertThatThrownBy(() -> ConfigFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.dedupWindow").hasMessageContaining("PT-1H");
  }
}
