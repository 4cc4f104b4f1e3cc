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
import dev.notifier.testkit.smtp.Stage;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipelining client ({@link PipeliningConnection}) against the testkit's real SMTP server:
 * that it pipelines at all (the server sees commands arrive before it answered the ones before,
 * which never happens with Angus Mail), and that every reply still lands on the right message.
 */
class PipeliningConnectionTest {

  private static final String FROM = "notifier@example.com";
  private static final Duration WAIT = Duration.ofSeconds(5);

  private ScriptableSmtpServer smtp;

  @AfterEach
  void stop() {
    if (smtp != null) {
      smtp.close();
    }
  }

  private AccountSettings account(Transport transport) {
    return new AccountSettings("pipe", smtp.host(), smtp.port(), Security.NONE, FROM, null, null, null,
        "client.notifier.test", WAIT, WAIT).withTransport(transport);
  }

  private static List<MimeMessage> messages(SmtpConnection connection, String... recipients) throws Exception {
    List<MimeMessage> messages = new ArrayList<>();
    for (int i = 0; i < recipients.length; i++) {
      messages.add(MessageFactory.build(connection.session(), notification("n-" + i, recipients[i]), FROM));
    }
    return messages;
  }

  private static Notification notification(String id, String email) {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId(id)
        .setEventId("evt-" + id)
        .setEventType("bug.assigned")
        .setTemplate("bug-assigned")
        .setAccount("pipe")
        .setRecipient(Recipient.newBuilder().setUserId("u-" + id).setEmail(email).setName("Bob").build())
        .setSubject("Bug 42 assigned to you")
        .setTextBody("Bug 42 is yours now.\n.\nA line with only a dot above, stuffed on the wire.")
        .setCreatedAt(Instant.parse("2026-11-21T10:00:00Z"))
        .build();
  }

  private static String[] recipients(int n) {
    return IntStream.range(0, n).mapToObj(i -> "bob" + i + "@example.com").toArray(String[]::new);
  }

  @Test
  void aBatchGoesOutPipelinedAndEveryMessageArrivesInOrder() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      List<DeliveryException> failures = connection.sendAll(messages(connection, recipients(5)));

      assertThat(failures).containsOnlyNulls().hasSize(5);
    }
    List<ReceivedMessage> received = smtp.awaitMessages(5, WAIT);
    assertThat(received).extracting(m -> m.recipients().get(0)).containsExactly(recipients(5));
    assertThat(received.get(0).body().replace("\r\n", "\n")).contains("\n.\nA line with only a dot above");
    assertThat(smtp.connectionCount()).isEqualTo(1);
    // MAIL and RCPT of each message, at least, were read while later commands already waited
    assertThat(smtp.pipelinedCommandCount()).isGreaterThanOrEqualTo(10);
  }

  @Test
  void angusMailSendsOneCommandAtATime() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.ANGUS), null)) {
      assertThat(connection.sendAll(messages(connection, recipients(5)))).containsOnlyNulls();
    }
    smtp.awaitMessages(5, WAIT);
    assertThat(smtp.pipelinedCommandCount()).isZero();
  }

  @Test
  void aRefusedRecipientFailsOnlyItsOwnMessageWithTheEnhancedCode() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    smtp.script().at(Stage.RCPT).matching("gone@").reply("550 5.1.1 <gone@example.com>: User unknown").always();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      List<DeliveryException> failures = connection.sendAll(messages(connection, "a@example.com", "gone@example.com",
          "c@example.com"));

      assertThat(failures.get(0)).isNull();
      assertThat(failures.get(2)).isNull();
      DeliveryException refused = failures.get(1);
      assertThat(refused.step()).isEqualTo("rcpt");
      assertThat(refused.reply().code()).isEqualTo(550);
      assertThat(refused.reply().enhancedCode()).isEqualTo("5.1.1");
      assertThat(refused).hasMessageContaining("recipient gone@example.com refused");
    }
    assertThat(smtp.awaitMessages(2, WAIT)).extracting(m -> m.recipients().get(0))
        .containsExactly("a@example.com", "c@example.com");
  }

  @Test
  void aRefusedSenderFailsAtMailAndTheNextMessageStillGoes() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    smtp.script().at(Stage.MAIL).reply("553 5.7.1 Mail from must equal authorized user").times(1);
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      List<DeliveryException> failures = connection.sendAll(messages(connection, recipients(2)));

      assertThat(failures.get(0).step()).isEqualTo("mail");
      assertThat(failures.get(0).reply().code()).isEqualTo(553);
      assertThat(failures.get(1)).isNull();
    }
    assertThat(smtp.awaitMessages(1, WAIT)).hasSize(1);
  }

  @Test
  void aRefusalAfterTheEndOfDataIsTheMessagesFailureAtData() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    smtp.script().at(Stage.DATA_END).reply("554 5.7.1 Message rejected as spam").times(1);
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      List<DeliveryException> failures = connection.sendAll(messages(connection, recipients(3)));

      assertThat(failures.get(0).step()).isEqualTo("data");
      assertThat(failures.get(0).reply().code()).isEqualTo(554);
      assertThat(failures.subList(1, 3)).containsOnlyNulls();
    }
  }

  @Test
  void noReplyAfterTheEndOfDataIsAnUnknownOutcomeNeverAResend() throws Exception {
    smtp = ScriptableSmtpServer.builder().idleTimeout(Duration.ofSeconds(3)).start();
    smtp.script().hang(Stage.DATA_END);
    AccountSettings account = account(Transport.PIPELINING).withUnknownOutcome(Duration.ofMillis(300),
        Duration.ofMinutes(10));
    try (SmtpConnection connection = SmtpConnections.open(account, null)) {
      List<DeliveryException> failures = connection.sendAll(messages(connection, recipients(2)));

      assertThat(failures.get(0).step()).isEqualTo("end-of-data");
      assertThat(failures.get(0).reply()).isNull();
      assertThat(failures.get(0).causeClass()).isEqualTo("java.net.SocketTimeoutException");
      // the second message's MAIL FROM had gone out behind the first one's end of data, unanswered: the
      // server held nothing of it, so it went again on a new connection, where its own end of data hung
      assertThat(failures.get(1).step()).isEqualTo("end-of-data");
    }
    // the first message was not sent a second time: one end of data on each connection
    assertThat(smtp.connectionCount()).isEqualTo(2);
    assertThat(smtp.transcripts()).allSatisfy(t -> assertThat(t.lines().stream()
        .filter(l -> l.startsWith("C: MAIL"))).hasSize(1));
  }

  @Test
  void aPooledConnectionTheServerClosedIsReplacedAndTheMessagesSentOnce() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      assertThat(connection.sendAll(messages(connection, recipients(1)))).containsOnlyNulls();
      smtp.awaitMessages(1, WAIT);
      smtp.down();
      smtp.up();

      assertThat(connection.sendAll(messages(connection, recipients(3)))).containsOnlyNulls();
    }
    assertThat(smtp.awaitMessages(4, WAIT)).hasSize(4);
    assertThat(smtp.connectionCount()).isEqualTo(2);
  }

  @Test
  void aSilentServerTimesOutAtTheReadTimeout() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    smtp.script().delay(Stage.MAIL, Duration.ofSeconds(2));
    AccountSettings account = new AccountSettings("pipe", smtp.host(), smtp.port(), Security.NONE, FROM, null, null,
        null, "client.notifier.test", WAIT, Duration.ofMillis(300)).withTransport(Transport.PIPELINING);
    try (SmtpConnection connection = SmtpConnections.open(account, null)) {
      assertThatThrownBy(() -> connection.send(messages(connection, recipients(1)).get(0)))
          .isInstanceOf(DeliveryException.class)
          .satisfies(e -> assertThat(((DeliveryException) e).causeClass()).isEqualTo("java.net.SocketTimeoutException"))
          .satisfies(e -> assertThat(((DeliveryException) e).step()).isEqualTo("io"));
    }
  }

  @Test
  void aServerOfferingOnlyAuthLoginGetsLoginAndThePasswordIsNeverInAFailure() throws Exception {
    smtp = ScriptableSmtpServer.builder().user("alice@example.com", "s3cret").requireAuth(true).start();
    smtp.script().at(Stage.EHLO).reply("250-smtp.testkit.local\n250-PIPELINING\n250 AUTH LOGIN").always();
    AccountSettings account = new AccountSettings("pipe", smtp.host(), smtp.port(), Security.NONE,
        "alice@example.com", "alice@example.com", "PIPE_PASSWORD", null, "client.notifier.test", WAIT, WAIT)
        .withTransport(Transport.PIPELINING);
    Function<String, String> right = Map.of("PIPE_PASSWORD", "s3cret")::get;
    try (SmtpConnection connection = SmtpConnections.open(account, right)) {
      connection.send(messages(connection, recipients(1)).get(0));
    }
    assertThat(smtp.awaitMessages(1, WAIT).get(0).authenticatedUser()).contains("alice@example.com");

    Function<String, String> wrong = Map.of("PIPE_PASSWORD", "wr0ng-Pa55")::get;
    try (SmtpConnection connection = SmtpConnections.open(account, wrong)) {
      assertThatThrownBy(() -> connection.send(messages(connection, recipients(1)).get(0)))
          .isInstanceOf(DeliveryException.class)
          .satisfies(e -> assertThat(((DeliveryException) e).step()).isEqualTo("auth"))
          .satisfies(e -> assertThat(((DeliveryException) e).reply().code()).isEqualTo(535))
          .hasMessageNotContaining("wr0ng-Pa55");
    }
  }

  @Test
  void autoFallsBackToAngusWhenTheServerDoesNotOfferPipelining() throws Exception {
    smtp = ScriptableSmtpServer.builder().advertisePipelining(false).start();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.AUTO), null)) {
      assertThat(connection.sendAll(messages(connection, recipients(3)))).containsOnlyNulls();
      assertThat(connection.batchLimit()).isEqualTo(1);
    }
    assertThat(smtp.awaitMessages(3, WAIT)).hasSize(3);
    assertThat(smtp.pipelinedCommandCount()).isZero();
  }

  @Test
  void forcedPipeliningOnAServerWithoutItSendsOneCommandAtATime() throws Exception {
    smtp = ScriptableSmtpServer.builder().advertisePipelining(false).start();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      assertThat(connection.sendAll(messages(connection, recipients(3)))).containsOnlyNulls();
    }
    assertThat(smtp.awaitMessages(3, WAIT)).hasSize(3);
    assertThat(smtp.pipelinedCommandCount()).isZero();
  }

  @Test
  void anEnvelopeAddressWithCrLfIsRefusedBeforeAnythingIsSent() throws Exception {
    smtp = ScriptableSmtpServer.builder().start();
    try (SmtpConnection connection = SmtpConnections.open(account(Transport.PIPELINING), null)) {
      InternetAddress injected = new InternetAddress();
      injected.setAddress("bob@example.com>\r\nRCPT TO:<eve@example.com");
      MimeMessage message = new MimeMessage(messages(connection, recipients(1)).get(0)) {
        @Override
        public jakarta.mail.Address[] getAllRecipients() {
          return new jakarta.mail.Address[] {injected};
        }
      };

      assertThatThrownBy(() -> connection.send(message))
          .isInstanceOf(DeliveryException.class)
          .satisfies(e -> assertThat(((DeliveryException) e).step()).isEqualTo("message"))
          .hasMessageContaining("could inject SMTP commands");
    }
    assertThat(smtp.messages()).isEmpty();
    assertThat(smtp.transcripts()).allSatisfy(t -> assertThat(t.lines()).noneMatch(l -> l.startsWith("C: MAIL")));
  }
}
