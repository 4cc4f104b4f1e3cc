package dev.notifier.cli.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.ConfigFile.ConfigException;
import dev.notifier.cli.config.NotifierConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagementSettingsTest {

  private static final String REQUIRED = "kafka: {bootstrapServers: 'localhost:9092'}\n"
      + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n";

  @TempDir
  Path dir;

  private NotifierConfig load(String yaml) throws IOException {
    Path file = dir.resolve("notifier.yaml");
    Files.writeString(file, REQUIRED + yaml);
    return ConfigFile.load(file);
  }

  @Test
  void withoutTheSectionTheEndpointListensEverywhereOnTheDefaultPort() throws IOException {
    ManagementSettings management = load("").management();

    assertThat(management.host()).isEqualTo("0.0.0.0");
    assertThat(management.port()).isEqualTo(Management.DEFAULT_PORT);
  }

  @Test
  void theShippedExampleUsesTheContractPort() {
    ManagementSettings management = ConfigFile.load(Path.of("..", "config", "example.yaml")).management();

    assertThat(management.port()).isEqualTo(Management.DEFAULT_PORT);
    assertThat(management.host()).isEqualTo(ManagementSettings.DEFAULT_HOST);
  }

  @Test
  void portZeroPicksAFreePortAndTheHostIsKept() throws IOException {
    ManagementSettings management = load("management: {host: 127.0.0.1, port: 0}\n").management();

    assertThat(management.host()).isEqualTo("127.0.0.1");
    assertThat(management.port()).isZero();
  }

  @Test
  void aPortOutOfRangeNamesTheKeyTheValueAndTheFix() {
    assertThatThrownBy(() -> load("management: {port: 70000}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("management.port").hasMessageContaining("70000").hasMessageContaining("65535")
        .hasMessageContaining("9400");
  }

  @Test
  void aBlankHostNamesTheKeyAndTheFix() {
    assertThatThrownBy(() -> load("management: {host: ' '}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("management.host").hasMessageContaining("0.0.0.0");
  }

  @Test
  void aMisspelledKeyIsRefused() {
    assertThatThrownBy(() -> load("management: {prot: 9400}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("prot");
  }
}
