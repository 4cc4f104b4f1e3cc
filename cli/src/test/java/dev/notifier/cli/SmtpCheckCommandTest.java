package dev.notifier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code notifier smtp-check} end to end against the testkit's SMTP server on 127.0.0.1. */
class SmtpCheckCommandTest {

  private static final String USER = "alice@notifier.test";
  private static final String PASSWORD = "cli-Secret-7";
  private static final String TO = "a@example.com";
  /** Control characters a terminal may act on (line breaks and tabs aside). */
  private static final String CONTROLS = "[\\x00-\\x08\\x0B-\\x1F\\x7F\\x{80}-\\x{9F}]";

  @TempDir
  Path dir;

  private ScriptableSmtpServer server;
  private String out;
  private String err;

  @BeforeEach
  void startServer() {
    server = ScriptableSmtpServer.builder().user(USER, PASSWORD).start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private int run(String... args) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    List<String> all = new ArrayList<>(List.of("smtp-check"));
    all.addAll(List.of(args));
    int status = NotifierCommand.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true),
        all.toArray(String[]::new));
    out = stdout.toString();
    err = stderr.toString();
    return status;
  }

  private String port() {
    return String.valueOf(server.port());
  }

  private String passwordFile() throws Exception {
    return Files.writeString(dir.resolve("smtp-password"), PASSWORD + "\n").toString();
  }

  @Test
  void aHealthyPlainServerPassesEveryRequestedStepAndExitsZero() {
    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--to", TO);

    assertThat(status).as("out:%n%s%nerr:%n%s", out, err).isZero();
    assertThat(out).contains("[ok]   DNS   127.0.0.1", "[ok]   TCP   connected to 127.0.0.1:" + port(),
        "[ok]   TLS", "[ok]   EHLO", "[skip] AUTH", "[ok]   MAIL", "[ok]   RCPT  250 2.1.5 Ok (to <" + TO + ">)", "[skip] DATA",
        "smtp-check: all 6 steps passed (not requested: AUTH, DATA)");
    assertThat(out.lines().filter(l -> l.matches("\\[(ok|FAIL|skip)\\s*\\] .*"))).hasSize(8);
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void aRefusedRecipientExitsNonZeroNamingTheStepAndTheFix() {
    server.script().at(Stage.RCPT).reply("550 5.1.1 <" + TO + ">: Recipient address rejected: User unknown").always();

    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--to", TO, "--send");

    assertThat(status).isEqualTo(1);
    assertThat(out).contains("[FAIL] RCPT  recipient <" + TO + "> refused: 550 5.1.1", "cause: mailbox-unknown",
        "fix: the recipient's mailbox does not exist", "[skip] DATA  not run: RCPT failed")
        .endsWith("smtp-check: FAILED at RCPT (mailbox-unknown)" + System.lineSeparator());
    assertThat(server.messages()).isEmpty();
  }

  @Test
  void escapeSequencesInTheServersRepliesNeverReachTheTerminal() {
    // the attack: a server whose reply clears the screen, retitles the window and plants a link
    server.script().at(Stage.RCPT).reply("550 5.1.1 \u001b[2J\u001b[1;1Hall good\u001b]0;owned\u0007"
        + "\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\ \u001b[31mred \u009b1mbold").always();

    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--to", TO, "--transcript");

    assertThat(status).isEqualTo(1);
    assertThat(out).as("what the server said is shown, as plain text").contains("550 5.1.1 all goodclick red bold")
        .doesNotContainPattern(CONTROLS);

    // and as JSON: escaped, so the terminal shows them as text and a JSON reader gets them back
    run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--to", TO, "--transcript", "--json");
    assertThat(out).doesNotContainPattern(CONTROLS).contains("\\u001B[2J", "\\u009B1mbold");
  }

  @Test
  void sslOnAPlainPortFailsAtTls() {
    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "ssl");

    assertThat(status).isEqualTo(1);
    assertThat(out).contains("[FAIL] TLS", "speaks plain SMTP", "smtp-check: FAILED at TLS");
  }

  @Test
  void anAccountFromTheConfigFileIsCheckedAndTheTestMessageSent() throws Exception {
    Path config = Files.writeString(dir.resolve("notifier.yaml"), "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n"
        + "  - id: local\n"
        + "    systemDefault: true\n"
        + "    host: 127.0.0.1\n"
        + "    port: " + port() + "\n"
        + "    security: none\n"
        + "    from: " + USER + "\n"
        + "    username: " + USER + "\n"
        + "    passwordFile: " + passwordFile() + "\n"
        + "    allowPlaintextAuth: true\n");

    int status = run("--config", config.toString(), "--account", "local", "--to", TO, "--send");

    assertThat(status).as("out:%n%s%nerr:%n%s", out, err).isZero();
    assertThat(out).contains("smtp-check: account local, 127.0.0.1:" + port(), "[ok]   AUTH  logged in as " + USER,
        "[ok]   DATA  250", "smtp-check: all 8 steps passed");
    assertThat(server.awaitMessages(1, java.time.Duration.ofSeconds(5)).get(0).recipients()).containsExactly(TO);
  }

  @Test
  void anUnknownAccountIdIsABadArgumentListingTheAccounts() throws Exception {
    Path config = Files.writeString(dir.resolve("notifier.yaml"), "kafka: {bootstrapServers: 'localhost:9092'}\n"
        + "accounts:\n  - {id: local, systemDefault: true, host: 127.0.0.1, port: 25, security: none, from: a@b.c}\n");

    assertThat(run("--config", config.toString(), "--account", "nope")).isEqualTo(2);
    assertThat(err).contains("'nope'", "local");
  }

  @Test
  void theTranscriptShowsTheDialogueButNeverThePassword() throws Exception {
    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--user", USER,
        "--password-file", passwordFile(), "--allow-plaintext-auth", "--to", TO, "--transcript");

    assertThat(status).as("out:%n%s%nerr:%n%s", out, err).isZero();
    assertThat(out).contains("SMTP transcript (AUTH secrets masked):", "EHLO localhost.localdomain",
        "MAIL FROM:<" + USER + ">", "235 2.7.0 Authentication successful", "****");
    assertThat(out + err).doesNotContain(PASSWORD, b64(PASSWORD), b64("\0" + USER + "\0" + PASSWORD),
        b64(USER + "\0" + USER + "\0" + PASSWORD));
  }

  @Test
  void aLoginWithoutTlsIsNotAttemptedUnlessAllowed() throws Exception {
    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--user", USER,
        "--password-file", passwordFile(), "--to", TO);

    assertThat(status).isEqualTo(1);
    assertThat(out).contains("[FAIL] AUTH", "would send the password in clear", "--allow-plaintext-auth");
    assertThat(out + err).doesNotContain(PASSWORD, b64(PASSWORD));
  }

  @Test
  void jsonOutputCarriesEveryStep() throws Exception {
    server.script().at(Stage.MAIL).reply("553 Mail from must equal authorized user").always();

    int status = run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--from", "other@example.com",
        "--json", "--timeout", "3s");

    assertThat(status).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out);
    assertThat(json.get("passed").asBoolean()).isFalse();
    assertThat(json.get("failedStep").asText()).isEqualTo("MAIL");
    assertThat(json.get("timeoutMs").asLong()).isEqualTo(3000);
    assertThat(json.get("steps")).hasSize(8);
    JsonNode mail = json.get("steps").get(5);
    assertThat(mail.get("status").asText()).isEqualTo("failed");
    assertThat(mail.get("cause").asText()).isEqualTo("sender-mismatch");
    assertThat(mail.get("fix").asText()).contains("username");
  }

  @Test
  void missingOrContradictoryArgumentsExitTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err).contains("--config FILE --account ID", "--host HOST");

    assertThat(run("--host", "127.0.0.1", "--port", port(), "--security", "none", "--send")).isEqualTo(2);
    assertThat(err).contains("--to");

    assertThat(run("--host", "127.0.0.1", "--port", port(), "--user", USER)).isEqualTo(2);
    assertThat(err).contains("--password-env");

    assertThat(run("--host", "127.0.0.1", "--port", port(), "--security", "tls")).isEqualTo(2);
    assertThat(err).contains("ssl, starttls or none");

    assertThat(run("--host", "127.0.0.1", "--port", port(), "--timeout", "soon")).isEqualTo(2);
    assertThat(err).contains("--timeout", "10s");
  }

  @Test
  void theUsageNamesEveryOptionAndTheExitStatus() {
    assertThat(run("--help")).isZero();
    assertThat(out).contains("Usage: notifier smtp-check", "--config", "--account", "--host", "--port", "--security",
        "--preset", "--user", "--password-env", "--password-file", "--allow-plaintext-auth", "--from", "--to",
        "--send", "--transcript",
        "--json", "--timeout", "--trust-certificate", "--ehlo", "Exit status");
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
