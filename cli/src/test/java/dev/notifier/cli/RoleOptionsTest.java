package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.config.NotifierConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --config} and {@code --management-port} of {@code notifier streams} and {@code notifier worker}. */
class RoleOptionsTest {

  @TempDir
  Path dir;

  private Path config() throws IOException {
    Path file = dir.resolve("notifier.yaml");
    Files.writeString(file, "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: a, host: h, port: 25, security: none, from: a@example.com, systemDefault: true}\n"
        + "management: {host: 127.0.0.1, port: 9400}\n");
    return file;
  }

  @Test
  void theManagementPortOptionReplacesTheConfigsPortAndKeepsItsHost() throws IOException {
    WorkerCommand worker = new WorkerCommand();
    new CommandLine(worker).parseArgs("--config", config().toString(), "--management-port", "9401");

    NotifierConfig loaded = worker.options.load();

    assertThat(loaded.management().port()).isEqualTo(9401);
    assertThat(loaded.management().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void theManagementHostOptionReplacesTheConfigsHost() throws IOException {
    WorkerCommand worker = new WorkerCommand();
    new CommandLine(worker).parseArgs("--config", config().toString(), "--management-host", "::1",
        "--management-port", "9402");

    NotifierConfig loaded = worker.options.load();

    assertThat(loaded.management().host()).isEqualTo("::1");
    assertThat(loaded.management().port()).isEqualTo(9402);
  }

  @Test
  void withoutTheOptionTheConfigsPortHolds() throws IOException {
    StreamsCommand streams = new StreamsCommand();
    new CommandLine(streams).parseArgs("--config", config().toString());

    assertThat(streams.options.load().management().port()).isEqualTo(9400);
  }

  @Test
  void aPortOutOfRangeNamesTheOptionAndTheValue() throws IOException {
    StringWriter err = new StringWriter();

    int exit = NotifierCommand.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "worker", "--config", config().toString(), "--management-port", "70000");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--management-port 70000 is not a TCP port").contains("65535");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"streams", "worker", "bounces", "webhooks"})
  void everyLongRunningCommandTakesTheManagementOptions(String command) {
    java.io.StringWriter out = new java.io.StringWriter();
    int exit = NotifierCommand.execute(new java.io.PrintWriter(out, true),
        new java.io.PrintWriter(new java.io.StringWriter(), true), command, "--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--management-port=PORT").contains("--management-host=ADDRESS");
  }
}

