package dev.notifier.sender.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.doctor.StepResult.Status;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.Stage;
import dev.notifier.testkit.smtp.TlsMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SmtpDoctor} against the testkit's real SMTP server on 127.0.0.1: each field failure of
 * DESIGN.md stops the check at its step, with the cause and the fix. Nothing here leaves loopback:
 * the unresolvable host is under the reserved {@code .invalid} top-level domain.
 */
class SmtpDoctorTest {

  private static final String USER = "alice@notifier.test";
  private static final String PASSWORD = "doctor-Secret-42";
  private static final String PASSWORD_ENV = "SMTP_CHECK_PASSWORD";
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final String TO = "bob@example.com";

  private final SmtpDoctor doctor = new SmtpDoctor(Map.of(PASSWORD_ENV, PASSWORD)::get);

  @TempDir
  Path dir;

  private ScriptableSmtpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private ScriptableSmtpServer start(ScriptableSmtpServer.Builder builder) {
    server = builder.start();
    return server;
  }

  private static AccountSettings account(String host, int port, Security security, String username,
      String trustCertificate) {
    return new AccountSettings("check", host, port, security, USER, username, username == null ? null : PASSWORD_ENV,
        null, "client.notifier.test", null, null, List.of(), false, true, null, null, trustCertificate, null, null);
  }

  private static AccountSettings plain(ScriptableSmtpServer smtp, String username) {
    // a loopback test server: the login without TLS is allowed, as an account would have to say
    return account(smtp.host(), smtp.port(), Security.NONE, username, null).withPlaintextAuth(true);
  }

  private CheckReport check(AccountSettings account, String to, boolean send) {
    return doctor.check(new CheckRequest(account, to, send, TIMEOUT));
  }

  /** The server's certificate as PEM, the way an operator would hand it over. */
  private String pem(ScriptableSmtpServer smtp) throws Exception {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(smtp.certificate().certificate().getEncoded());
    return Files.writeString(dir.resolve("server.pem"), "-----BEGIN CERTIFICATE-----\n" + base64
        + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII).toString();
  }

  private static StepResult failedAt(CheckReport report, Step step) {
    assertThat(report.passed()).as("check passed: %s", report.steps()).isFalse();
    StepResult failure = report.failure().orElseThrow();
    assertThat(failure.step()).as("failed step of %s", report.steps()).isEqualTo(step);
    assertThat(report.steps()).filteredOn(r -> r.step().compareTo(step) < 0)
        .allSatisfy(r -> assertThat(r.status()).isNotEqualTo(Status.FAILED));
    assertThat(report.steps()).filteredOn(r -> r.step().compareTo(step) > 0)
        .allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(Status.SKIPPED);
          assertThat(r.detail()).isEqualTo("not run: " + step + " failed");
        });
    assertThat(failure.cause()).isNotBlank();
    assertThat(failure.fix()).isNotBlank();
    return failure;
  }

  @Test
  void everyStepPassesAgainstAPlainServerAndTheTestMessageArrives() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD).requireAuth(true));

    CheckReport report = check(plain(smtp, USER), TO, true);

    assertThat(report.passed()).as("%s", report.steps()).isTrue();
    assertThat(report.steps()).extracting(StepResult::step).containsExactly(Step.values());
    assertThat(report.steps()).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.PASSED));
    assertThat(report.result(Step.DNS).detail()).contains("127.0.0.1");
    assertThat(report.result(Step.TCP).detail()).contains("connected to 127.0.0.1:" + smtp.port());
    assertThat(report.result(Step.TLS).detail()).contains("security: none");
    assertThat(report.result(Step.EHLO).detail()).contains("AUTH PLAIN LOGIN", "8BITMIME");
    assertThat(report.result(Step.AUTH).detail()).contains("logged in as " + USER);
    assertThat(report.result(Step.MAIL).detail()).startsWith("250").contains("<" + USER + ">");
    assertThat(report.result(Step.RCPT).detail()).startsWith("250").contains("<" + TO + ">");
    assertThat(report.result(Step.DATA).detail()).startsWith("250").contains("queued as");

    ReceivedMessage message = smtp.awaitMessages(1, TIMEOUT).get(0);
    assertThat(message.recipients()).containsExactly(TO);
    assertThat(message.mailFrom()).isEqualTo(USER);
    assertThat(message.authenticatedUser()).contains(USER);
    assertThat(message.subject()).hasValueSatisfying(s -> assertThat(s).contains("smtp-check"));
  }

  @Test
  void aLoginWithoutTlsIsNotAttemptedUnlessTheAccountAllowsIt() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD).requireAuth(true));

    StepResult auth = failedAt(check(plain(smtp, USER).withPlaintextAuth(false), TO, true), Step.AUTH);

    assertThat(auth.cause()).isEqualTo("plaintext-auth-refused");
    assertThat(auth.detail()).contains("would send the password in clear");
    assertThat(auth.fix()).contains("allowPlaintextAuth: true");
    assertThat(smtp.messages()).isEmpty();
  }

  @Test
  void withoutRecipientOrSendOnlyTheConnectionAndSenderAreCheckedAndNothingIsSent() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder());

    CheckReport report = check(plain(smtp, null), null, false);

    assertThat(report.passed()).isTrue();
    assertThat(report.result(Step.AUTH).status()).isEqualTo(Status.SKIPPED);
    assertThat(report.result(Step.RCPT).detail()).contains("--to");
    assertThat(report.result(Step.DATA).detail()).contains("--send");
    assertThat(report.passedCount()).isEqualTo(5);
    assertThat(smtp.messages()).isEmpty();
  }

  @Test
  void anUnresolvableHostFailsAtDnsWithTheResolverFix() {
    CheckReport report = check(account("no-such-host.invalid", 587, Security.STARTTLS, null, null), TO, false);

    StepResult dns = failedAt(report, Step.DNS);
    assertThat(dns.detail()).contains("no-such-host.invalid");
    assertThat(dns.cause()).isIn("dns-failed", "dns-timeout");
    assertThat(dns.fix()).contains("/etc/resolv.conf", "nameserver");
  }

  @Test
  void aRefusedPortFailsAtTcpNamingFirewallAndSelinux() throws Exception {
    int closedPort;
    try (ServerSocket bound = new ServerSocket()) {
      bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      closedPort = bound.getLocalPort();
    }

    CheckReport report = check(account("127.0.0.1", closedPort, Security.NONE, null, null), TO, false);

    StepResult tcp = failedAt(report, Step.TCP);
    assertThat(tcp.cause()).isEqualTo("connection-refused");
    assertThat(tcp.detail()).contains("127.0.0.1:" + closedPort, "refused");
    assertThat(tcp.fix()).contains("firewall", "security group", "setsebool -P httpd_can_sendmail 1");
  }

  @Test
  void aServerThatIsDownFailsAtTcp() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder());
    smtp.down();

    assertThat(failedAt(check(plain(smtp, null), null, false), Step.TCP).cause()).isEqualTo("connection-refused");
  }

  @Test
  void sslAgainstAPlainServerSaysTheServerSpeaksPlainSmtp() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder());

    CheckReport report = check(account(smtp.host(), smtp.port(), Security.SSL, null, null), TO, false);

    StepResult tls = failedAt(report, Step.TLS);
    assertThat(tls.cause()).isEqualTo("tls-mode-mismatch");
    assertThat(tls.detail()).contains("speaks plain SMTP", "220 smtp.testkit.local");
    assertThat(tls.fix()).contains("security: starttls", "465");
  }

  @Test
  void starttlsAgainstAServerWithoutStarttlsFailsAtTls() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.NONE));

    CheckReport report = check(account(smtp.host(), smtp.port(), Security.STARTTLS, null, null), TO, false);

    StepResult tls = failedAt(report, Step.TLS);
    assertThat(tls.cause()).isEqualTo("starttls-unavailable");
    assertThat(tls.detail()).contains("does not offer STARTTLS", "8BITMIME");
    assertThat(tls.fix()).contains("security: ssl");
    assertThat(smtp.transcripts()).allSatisfy(t -> assertThat(t.lines()).noneMatch(l -> l.startsWith("C: MAIL")));
  }

  @Test
  void anImplicitTlsPortToldStarttlsFailsAtTlsSayingUseSsl() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT));
    AccountSettings account = account(smtp.host(), smtp.port(), Security.STARTTLS, null, pem(smtp));

    CheckReport report = doctor.check(new CheckRequest(account, null, false, Duration.ofMillis(800)));

    StepResult tls = failedAt(report, Step.TLS);
    assertThat(tls.cause()).isEqualTo("tls-mode-mismatch");
    assertThat(tls.detail()).contains("no SMTP greeting", "implicit TLS");
    assertThat(tls.fix()).contains("security: ssl");
  }

  @Test
  void implicitTlsWithATrustedCertificateReportsTheChainAndTheHostMatch() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT).user(USER, PASSWORD));

    CheckReport report = check(account(smtp.host(), smtp.port(), Security.SSL, USER, pem(smtp)), TO, true);

    assertThat(report.passed()).as("%s", report.steps()).isTrue();
    assertThat(report.result(Step.TLS).detail()).contains("TLSv1", "subject ", "issuer ", "CN=localhost",
        "names [localhost, 127.0.0.1]", "days left", "host name 127.0.0.1 matches");
    assertThat(smtp.awaitMessages(1, TIMEOUT).get(0).tls()).isTrue();
  }

  @Test
  void starttlsUpgradesThenLogsInAndSends() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.STARTTLS).requireStartTls(true)
        .user(USER, PASSWORD).requireAuth(true));

    CheckReport report = check(account(smtp.host(), smtp.port(), Security.STARTTLS, USER, pem(smtp)), TO, true);

    assertThat(report.passed()).as("%s", report.steps()).isTrue();
    assertThat(report.result(Step.TLS).detail()).startsWith("STARTTLS accepted");
    ReceivedMessage message = smtp.awaitMessages(1, TIMEOUT).get(0);
    assertThat(message.tls()).isTrue();
    assertThat(message.authenticatedUser()).contains(USER);
  }

  @Test
  void aCertificateForAnotherHostFailsAtTlsNamingTheMismatch() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT)
        .certificateHost("wrong.example"));

    CheckReport report = check(account(smtp.host(), smtp.port(), Security.SSL, null, pem(smtp)), TO, false);

    StepResult tls = failedAt(report, Step.TLS);
    assertThat(tls.cause()).isEqualTo("tls-host-mismatch");
    assertThat(tls.detail()).contains("does not match the host name 127.0.0.1", "[wrong.example]");
    assertThat(tls.fix()).contains("checkServerIdentity");
  }

  @Test
  void anUntrustedCertificateFailsAtTlsPointingAtTrustCertificate() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT));

    CheckReport report = check(account(smtp.host(), smtp.port(), Security.SSL, null, null), null, false);

    StepResult tls = failedAt(report, Step.TLS);
    assertThat(tls.cause()).isEqualTo("tls-untrusted");
    assertThat(tls.detail()).contains("not trusted", "CN=localhost");
    assertThat(tls.fix()).contains("trustCertificate");
  }

  @Test
  void a535AtAuthFailsAtAuthWithTheAuthorizationCodeFix() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD));
    smtp.script().at(Stage.AUTH).reply("535 5.7.8 Authentication credentials invalid").always();

    CheckReport report = check(plain(smtp, USER), TO, true);

    StepResult auth = failedAt(report, Step.AUTH);
    assertThat(auth.cause()).isEqualTo("auth-failed");
    assertThat(auth.detail()).contains("535 5.7.8 Authentication credentials invalid");
    assertThat(auth.fix()).contains("authorization code");
    assertThat(smtp.messages()).isEmpty();
  }

  @Test
  void anUnsetPasswordVariableFailsAtAuthNamingTheVariable() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD));

    CheckReport report = new SmtpDoctor(name -> null).check(new CheckRequest(plain(smtp, USER), null, false, TIMEOUT));

    StepResult auth = failedAt(report, Step.AUTH);
    assertThat(auth.cause()).isEqualTo("password-missing");
    assertThat(auth.detail()).contains(PASSWORD_ENV);
  }

  @Test
  void anAccountsReturnPathIsTheEnvelopeSenderOfTheCheckAndOfItsTestMessage() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD));

    CheckReport report = check(plain(smtp, USER).withReturnPath("bounces+{id}@bounces.notifier.test"), TO, true);

    assertThat(report.passed()).as("%s", report.steps()).isTrue();
    assertThat(report.result(Step.MAIL).detail()).containsPattern("<bounces\\+[0-9a-f-]{36}@bounces\\.notifier\\.test>");
    ReceivedMessage message = smtp.awaitMessages(1, TIMEOUT).get(0);
    assertThat(message.mailFrom()).matches("bounces\\+[0-9a-f-]{36}@bounces\\.notifier\\.test");
    assertThat(message.header("From")).hasValue(USER);
  }

  @Test
  void aReturnPathRefusedAtMailFailsAtMailWithAFixNamingReturnPath() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD));
    smtp.script().at(Stage.MAIL).matching("bounces+").reply("553 5.7.1 Sender address rejected: not owned by user "
        + USER).always();

    StepResult mail = failedAt(check(plain(smtp, USER).withReturnPath("bounces+{id}@bounces.notifier.test"), TO,
        true), Step.MAIL);

    assertThat(mail.cause()).isEqualTo("sender-mismatch");
    assertThat(mail.detail()).contains("bounces+");
    assertThat(mail.fix()).contains("remove returnPath");
  }

  @Test
  void a553AtMailFailsAtMailWithTheFromEqualsUsernameFix() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD));
    smtp.script().at(Stage.MAIL).reply("553 Mail from must equal authorized user").always();

    StepResult mail = failedAt(check(plain(smtp, USER), TO, true), Step.MAIL);

    assertThat(mail.cause()).isEqualTo("sender-mismatch");
    assertThat(mail.detail()).contains("553 Mail from must equal authorized user");
    assertThat(mail.fix()).contains("from", "username");
  }

  @Test
  void a550UnknownRecipientFailsAtRcpt() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder());
    smtp.script().at(Stage.RCPT).matching(TO)
        .reply("550 5.1.1 <" + TO + ">: Recipient address rejected: User unknown").always();

    StepResult rcpt = failedAt(check(plain(smtp, null), TO, true), Step.RCPT);

    assertThat(rcpt.cause()).isEqualTo("mailbox-unknown");
    assertThat(rcpt.detail()).contains("550 5.1.1");
    assertThat(rcpt.fix()).contains("does not exist");
    assertThat(smtp.messages()).isEmpty();
  }

  @Test
  void mailWithoutLoginOnAServerRequiringItFailsAtMailSayingSetAUsername() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, PASSWORD).requireAuth(true));

    StepResult mail = failedAt(check(plain(smtp, null), TO, false), Step.MAIL);

    assertThat(mail.cause()).isEqualTo("auth-required");
    assertThat(mail.fix()).contains("username");
  }

  @Test
  void qqsConnectionFrequencyLimitAtTheGreetingFailsAtEhloAsARateLimit() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder());
    smtp.script().at(Stage.CONNECT).reply("550 Connection frequency limited").always();

    CheckReport report = check(plain(smtp, null), TO, false);

    assertThat(report.result(Step.TLS).detail()).contains("550 Connection frequency limited");
    StepResult ehlo = failedAt(report, Step.EHLO);
    assertThat(ehlo.cause()).isEqualTo("rate-limited");
    assertThat(ehlo.detail()).contains("550 Connection frequency limited");
  }

  @Test
  void theTranscriptShowsTheDialogueWithAuthSecretsMasked() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.NONE).user(USER, PASSWORD)
        .requireAuth(true));

    CheckReport report = check(plain(smtp, USER), TO, true);

    assertThat(report.passed()).as("%s", report.steps()).isTrue();
    String transcript = String.join("\n", report.transcript());
    assertThat(transcript).contains("EHLO client.notifier.test", "MAIL FROM:<" + USER + ">", "RCPT TO:<" + TO + ">",
        "235 2.7.0 Authentication successful", MaskingTranscript.MASK).containsPattern("AUTH (LOGIN|PLAIN)");
    assertThat(transcript).doesNotContain(PASSWORD, base64(PASSWORD), base64("\0" + USER + "\0" + PASSWORD),
        base64(USER + "\0" + USER + "\0" + PASSWORD), base64(USER));
    assertThat(report.steps()).allSatisfy(r -> assertThat(r.detail()).doesNotContain(PASSWORD));
  }

  @Test
  void aRefusedLoginLeavesNoSecretInTheTranscriptEither() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().user(USER, "the-real-one"));

    CheckReport report = check(plain(smtp, USER), null, false);

    assertThat(failedAt(report, Step.AUTH).detail()).contains("535");
    assertThat(String.join("\n", report.transcript())).contains("535").doesNotContain(PASSWORD, base64(PASSWORD));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
