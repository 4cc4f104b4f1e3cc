package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code notifier worker} refuses before it connects to anything. */
class WorkerStartupTest {

  @TempDir
  Path dir;

  @Test
  void authOverPlaintextOnPort25StopsTheStartNamingTheAccountAndTheFix() throws Exception {
    // the attack: a config that would hand the password, in clear, to whatever answers on port 25
    Path password = Files.writeString(dir.resolve("relay.password"), "s3cr3t-relay-password\n");
    Path config = Files.writeString(dir.resolve("notifier.yaml"), "kafka: {bootstrapServers: '127.0.0.1:1'}\n"
        + "accounts:\n"
        + "  - {id: relay, systemDefault: true, host: 127.0.0.1, port: 25, security: none, from: a@example.com,\n"
        + "     username: a@example.com, passwordFile: '" + password + "'}\n");
    StringWriter err = new StringWriter();

    int exit = NotifierCommand.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        "worker", "--config", config.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("accounts[relay] logs in as 'a@example.com' over a connection without TLS (security: none, port 25)")
        .contains("Set security: starttls (587 or 25) or ssl (465)")
        .contains("allowPlaintextAuth: true")
        .doesNotContain("s3cr3t-relay-password");
  }
}
