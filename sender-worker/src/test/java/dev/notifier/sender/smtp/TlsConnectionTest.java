package dev.notifier.sender.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.Security;
import dev.notifier.sender.config.Transport;
import dev.notifier.testkit.smtp.ReceivedMessage;
import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import dev.notifier.testkit.smtp.TlsMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and AUTH through the production path ({@link AccountConnection} over the session
 * {@link SessionFactory} builds) against the testkit's real SMTP server and its self-signed
 * certificate, which the accounts trust through {@code trustCertificate}. The same tests run on the
 * pipelining client ({@link PipeliningTlsConnectionTest}).
 */
class TlsConnectionTest {

  private static final String USER = "alice@notifier.test";
  private static final String PASSWORD = "tls-test-password";
  private static final Function<String, String> ENV = Map.of("TLS_TEST_PASSWORD", PASSWORD)::get;
  private static final Duration WAIT = Duration.ofSeconds(5);

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
    server = builder.user(USER, PASSWORD).start();
    return server;
  }

  /** Writes the server's certificate as PEM, the way an operator would hand it over. */
  private String pem(ScriptableSmtpServer smtp) throws Exception {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(smtp.certificate().certificate().getEncoded());
    Path file = dir.resolve("server.pem");
    Files.writeString(file, "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n",
        StandardCharsets.US_ASCII);
    return file.toString();
  }

  /** The client under test. */
  Transport transport() {
    return Transport.ANGUS;
  }

  private AccountSettings account(ScriptableSmtpServer smtp, Security security, String trustCertificate,
      Boolean checkServerIdentity) {
    return new AccountSettings("tls", smtp.host(), smtp.port(), security, USER, USER, "TLS_TEST_PASSWORD", null,
        "client.notifier.test", WAIT, WAIT, List.of(), false, true, null, checkServerIdentity, trustCertificate, null,
        null).withTransport(transport());
  }

  private static void send(AccountSettings account) throws DeliveryException {
    try (SmtpConnection connection = SmtpConnections.open(account, ENV)) {
      connection.send(MessageFactory.build(connection.session(), notification(), account.from()));
    }
  }

  private static Notification notification() {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId("0b5a7d0e-tls")
        .setEventId("evt-tls")
        .setEventType("bug.assigned")
        .setTemplate("bug-assigned")
        .setAccount("tls")
        .setRecipient(Recipient.newBuilder().setUserId("bob").setEmail("bob@example.com").setName("Bob").build())
        .setSubject("Bug 42 assigned to you")
        .setTextBody("Bug 42 is yours now.")
        .setCreatedAt(Instant.parse("2026-11-21T10:00:00Z"))
        .build();
  }

  @Test
  void implicitTlsWithTheServersCertificateTrustedDeliversAndLogsIn() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT).requireAuth(true));

    send(account(smtp, Security.SSL, pem(smtp), null));

    ReceivedMessage message = smtp.awaitMessages(1, WAIT).get(0);
    assertThat(message.tls()).isTrue();
    assertThat(message.authenticatedUser()).contains(USER);
    assertThat(message.mailFrom()).isEqualTo(USER);
    assertThat(message.recipients()).containsExactly("bob@example.com");
  }

  @Test
  void aDerCertificateIsTrustedToo() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT));
    Path der = Files.write(dir.resolve("server.der"), smtp.certificate().certificate().getEncoded());

    send(account(smtp, Security.SSL, der.toString(), null));

    assertThat(smtp.awaitMessages(1, WAIT).get(0).tls()).isTrue();
  }

  @Test
  void startTlsUpgradesBeforeLoggingIn() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.STARTTLS).requireStartTls(true)
        .requireAuth(true));

    send(account(smtp, Security.STARTTLS, pem(smtp), null));

    ReceivedMessage message = smtp.awaitMessages(1, WAIT).get(0);
    assertThat(message.tls()).isTrue();
    assertThat(message.authenticatedUser()).contains(USER);
    assertThat(smtp.transcripts().get(0).lines()).contains("*: TLS negotiated (STARTTLS)");
  }

  @Test
  void aServerWithoutStartTlsIsRefusedBeforeAnyMessageByteIsSent() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.NONE));

    assertThatThrownBy(() -> send(account(smtp, Security.STARTTLS, null, null)))
        .isInstanceOf(DeliveryException.class)
        .satisfies(e -> assertThat(((DeliveryException) e).step()).isEqualTo("starttls"))
        .hasMessageContaining("does not offer STARTTLS");
    assertThat(smtp.messages()).isEmpty();
    assertThat(smtp.transcripts()).allSatisfy(t -> assertThat(t.lines())
        .noneMatch(line -> line.startsWith("C: MAIL") || line.startsWith("C: AUTH")));
  }

  @Test
  void aCertificateForAnotherHostIsRefusedNamingTheMismatchNotPkix() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT)
        .certificateHost("wrong.example"));

    assertThatThrownBy(() -> send(account(smtp, Security.SSL, pem(smtp), null)))
        .isInstanceOf(DeliveryException.class)
        .satisfies(e -> assertThat(((DeliveryException) e).step()).isEqualTo("connect"))
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("subject alternative names")
        .hasMessageNotContaining("PKIX");
    assertThat(smtp.messages()).isEmpty();
  }

  @Test
  void aCertificateForAnotherHostIsAcceptedWhenTheAccountOptsOutOfTheIdentityCheck() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT)
        .certificateHost("wrong.example"));

    send(account(smtp, Security.SSL, pem(smtp), false));

    assertThat(smtp.awaitMessages(1, WAIT).get(0).tls()).isTrue();
  }

  @Test
  void aCertificateNobodyTrustsIsRefusedByTheJdkTrustStore() {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT));

    assertThatThrownBy(() -> send(account(smtp, Security.SSL, null, null)))
        .isInstanceOf(DeliveryException.class)
        .hasMessageContaining("unable to find valid certification path");
    assertThat(smtp.messages()).isEmpty();
  }

  @Test
  void aWrongPasswordOverTlsFailsAtAuth() throws Exception {
    ScriptableSmtpServer smtp = start(ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT).requireAuth(true));
    AccountSettings account = account(smtp, Security.SSL, pem(smtp), null);

    assertThatThrownBy(() -> {
      try (SmtpConnection connection = SmtpConnections.open(account, name -> "not-the-password")) {
        connection.send(MessageFactory.build(connection.session(), notification(), account.from()));
      }
    }).isInstanceOf(DeliveryException.class)
        .satisfies(e -> assertThat(((DeliveryException) e).step()).isEqualTo("auth"))
        .hasMessageNotContaining("not-the-password");
    assertThat(smtp.messages()).isEmpty();
  }
}
