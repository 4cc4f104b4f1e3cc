package dev.notifier.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptableSmtpServerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

    private ScriptableSmtpServer smtp;

    @BeforeEach
    void startServer() {
        smtp = ScriptableSmtpServer.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).start();
    }

    @AfterEach
    void stopServer() {
        smtp.close();
    }

    @Test
    void receivesPlainMessageWithEnvelopeHeadersAndMessageId() throws Exception {
        MimeMessage sent = AngusClient.to(smtp).message("alerts@example.com", "Disk full", "Disk /var is 99% full",
                "ops@example.com", "dba@example.com");

        Transport.send(sent);

        ReceivedMessage received = smtp.awaitMessages(1, WAIT).get(0);
        assertThat(received.mailFrom()).isEqualTo("alerts@example.com");
        assertThat(received.recipients()).containsExactly("ops@example.com", "dba@example.com");
        assertThat(received.subject()).contains("Disk full");
        assertThat(received.header("to")).hasValueSatisfying(to -> assertThat(to).contains("ops@example.com"));
        assertThat(received.messageId()).contains(sent.getMessageID());
        assertThat(received.body()).contains("Disk /var is 99% full");
        assertThat(received.tls()).isFalse();
        assertThat(received.authenticatedUser()).isEmpty();
        assertThat(received.receivedAt()).isEqualTo(NOW);
        assertThat(smtp.rejectedCount()).isZero();
        assertThat(smtp.transcript(received.connectionId()).orElseThrow().lines())
                .contains("C: MAIL FROM:<alerts@example.com>", "S: 250 2.0.0 Ok: queued as " + received.queueId());
    }

    @Test
    void receivesManyMessagesOverOneConnection() throws Exception {
        AngusClient client = AngusClient.to(smtp);
        try (Transport transport = client.session().getTransport("smtp")) {
            transport.connect();
            for (int i = 1; i <= 3; i++) {
                MimeMessage message = client.message("a@example.com", "message " + i, "body " + i, "b@example.com");
                transport.sendMessage(message, message.getAllRecipients());
            }
        }

        List<ReceivedMessage> received = smtp.awaitMessages(3, WAIT);
        assertThat(received).extracting(m -> m.subject().orElseThrow())
                .containsExactly("message 1", "message 2", "message 3");
        assertThat(received).extracting(ReceivedMessage::connectionId).containsOnly(1L);
        assertThat(smtp.connectionCount()).isEqualTo(1);
    }

    @Test
    void receivesConcurrentConnections() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String subject = "parallel " + i;
                sends.add(clients.submit(() -> {
                    Transport.send(AngusClient.to(smtp).message("a@example.com", subject, "x", "b@example.com"));
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get();
            }
        } finally {
            clients.shutdown();
        }

        assertThat(smtp.awaitMessages(8, WAIT)).hasSize(8);
        assertThat(smtp.connectionCount()).isEqualTo(8);
    }

    @Test
    void decodesNonAsciiSubject() throws Exception {
        String subject = "订单已发货：您的包裹正在路上";
        Transport.send(AngusClient.to(smtp).message("shop@example.com", subject, "你好", "buyer@example.com"));

        ReceivedMessage received = smtp.awaitMessages(1, WAIT).get(0);
        assertThat(received.header("Subject")).hasValueSatisfying(raw -> assertThat(raw).startsWith("=?UTF-8?"));
        assertThat(received.subject()).contains(subject);
    }

    @Test
    void rejectsOneRecipientWithScripted550() throws Exception {
        smtp.script().at(Stage.RCPT).matching("bob@example.com")
                .reply("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown").times(1);
        MimeMessage message = AngusClient.to(smtp).message("a@example.com", "hi", "x", "bob@example.com");

        assertThatThrownBy(() -> Transport.send(message))
                .isInstanceOf(SendFailedException.class)
                .satisfies(e -> assertThat(((SendFailedException) e).getNextException())
                        .isInstanceOfSatisfying(SMTPAddressFailedException.class,
                                failed -> assertThat(failed.getReturnCode()).isEqualTo(550)));
        assertThat(smtp.messages()).isEmpty();

        Transport.send(message); // the rule was for one time only
        assertThat(smtp.awaitMessages(1, WAIT).get(0).recipients()).containsExactly("bob@example.com");
    }

    @Test
    void closesConnectionAfter421AtDataEndAndDoesNotRecordTheMessage() throws Exception {
        smtp.script().at(Stage.DATA_END).reply("421 4.7.0 Try again later").times(1);
        AngusClient client = AngusClient.to(smtp);
        MimeMessage message = client.message("a@example.com", "hi", "x", "b@example.com");
        // an explicit Transport: Transport.send() would close() after the 421 and may report the
        // broken pipe of its QUIT instead of the 421, because the server has hung up
        Transport transport = client.session().getTransport("smtp");
        transport.connect();

        assertThatThrownBy(() -> transport.sendMessage(message, message.getAllRecipients()))
                .isInstanceOfSatisfying(SMTPSendFailedException.class, e -> assertThat(e.getReturnCode()).isEqualTo(421));
        assertThat(smtp.rejectedCount()).isEqualTo(1);
        assertThat(smtp.messages()).isEmpty();
        assertThat(smtp.transcript(1).orElseThrow().lines()).containsSubsequence("S: 421 4.7.0 Try again later",
                "*: closing the connection after 421");
        try {
            transport.close();
        } catch (MessagingException expected) {
            // QUIT on a connection the server closed
        }

        Transport.send(message);
        assertThat(smtp.awaitMessages(1, WAIT)).hasSize(1);
        assertThat(smtp.connectionCount()).isEqualTo(2);
    }

    @Test
    void hungGreetingMakesClientTimeOut() throws Exception {
        smtp.script().hang(Stage.CONNECT);
        MimeMessage message = AngusClient.to(smtp).with("mail.smtp.timeout", "500")
                .message("a@example.com", "hi", "x", "b@example.com");

        long start = System.nanoTime();
        assertThatThrownBy(() -> Transport.send(message)).isInstanceOf(MessagingException.class)
                .hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(smtp.connectionCount()).isEqualTo(1);
    }

    @Test
    void downRefusesConnectionsAndUpListensOnTheSamePortAgain() throws Exception {
        int port = smtp.port();
        AngusClient client = AngusClient.to(smtp);
        smtp.down();

        assertThatThrownBy(() -> Transport.send(client.message("a@example.com", "while down", "x", "b@example.com")))
                .isInstanceOf(MessagingException.class)
                .hasRootCauseInstanceOf(ConnectException.class);

        smtp.up();
        Transport.send(client.message("a@example.com", "after up", "x", "b@example.com"));
        assertThat(smtp.awaitMessages(1, WAIT).get(0).subject()).contains("after up");
        assertThat(smtp.port()).isEqualTo(port);
    }

    @Test
    void awaitMessagesSaysHowManyArrived() throws Exception {
        Transport.send(AngusClient.to(smtp).message("a@example.com", "only one", "x", "b@example.com"));

        assertThatThrownBy(() -> smtp.awaitMessages(2, Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Expected 2 message(s)")
                .hasMessageContaining("but 1 arrived");
    }

    @Test
    void resetForgetsMessagesAndCounters() throws Exception {
        Transport.send(AngusClient.to(smtp).message("a@example.com", "one", "x", "b@example.com"));
        smtp.awaitMessages(1, WAIT);

        smtp.reset();

        assertThat(smtp.messages()).isEmpty();
        assertThat(smtp.connectionCount()).isZero();
        assertThat(smtp.transcripts()).isEmpty();
    }
}
