package dev.notifier.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Protocol details checked line by line with a raw socket client. */
class SmtpProtocolTest {

    private ScriptableSmtpServer smtp;

    @BeforeEach
    void startServer() {
        smtp = ScriptableSmtpServer.builder().serverName("mx.test").start();
    }

    @AfterEach
    void stopServer() {
        smtp.close();
    }

    @Test
    void undoesDotStuffingAndKeepsCrlf() throws Exception {
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            assertThat(client.readReply()).startsWith("220 mx.test");
            assertThat(client.command("EHLO client.test")).isEqualTo("250 ENHANCEDSTATUSCODES");
            assertThat(client.command("MAIL FROM:<a@example.com> BODY=8BITMIME")).startsWith("250");
            assertThat(client.command("RCPT TO:<b@example.com>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            client.write("Subject: dots\r\n\r\n..leading dot\r\n.");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(client.command("QUIT")).startsWith("221");
        }

        ReceivedMessage received = smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(received.dataAsString()).isEqualTo("Subject: dots\r\n\r\n.leading dot\r\n");
        assertThat(received.mailFrom()).isEqualTo("a@example.com");
    }

    @Test
    void linesArrivingInPiecesOrLongerThanAReadAreReadWhole() throws Exception {
        String longLine = "x".repeat(20_000); // more than the server reads from the socket at once
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            client.readReply();
            client.command("EHLO client.test");
            client.writeRaw("MAIL FR");
            Thread.sleep(50); // the server has read the first piece before the rest arrives
            assertThat(client.command("OM:<a@example.com>")).startsWith("250");
            assertThat(client.command("RCPT TO:<b@example.com>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            client.writeRaw("Subject: long\r\n\r\n" + longLine.substring(0, 5_000));
            Thread.sleep(50);
            client.writeRaw(longLine.substring(5_000) + "\r\nbare LF\nlast\r\n");
            assertThat(client.command(".")).startsWith("250 2.0.0 Ok: queued as ");
        }

        ReceivedMessage received = smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(received.mailFrom()).isEqualTo("a@example.com");
        assertThat(received.dataAsString()).isEqualTo("Subject: long\r\n\r\n" + longLine + "\r\nbare LF\r\nlast\r\n");
    }

    @Test
    void refusesDataOverTheSizeLimitAndTakesTheNextMessage() throws Exception {
        try (ScriptableSmtpServer small = ScriptableSmtpServer.builder().maxMessageBytes(100).start();
                RawSmtpClient client = new RawSmtpClient(small, 5000)) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@example.com>");
            client.command("RCPT TO:<b@example.com>");
            assertThat(client.command("DATA")).startsWith("354");
            client.writeRaw("Subject: big\r\n\r\n" + "y".repeat(60) + "\r\n" + "z".repeat(60) + "\r\n..dot\r\n");
            assertThat(client.command(".")).startsWith("552 5.3.4");
            assertThat(client.command("MAIL FROM:<a@example.com>")).startsWith("250");
            assertThat(client.command("RCPT TO:<b@example.com>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            assertThat(client.command("Subject: small\r\n\r\n..ok\r\n.")).startsWith("250 2.0.0 Ok");
            ReceivedMessage received = small.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertThat(received.dataAsString()).isEqualTo("Subject: small\r\n\r\n.ok\r\n");
            assertThat(received.subject()).contains("small");
            assertThat(small.messageCount()).isEqualTo(1);
            assertThat(small.rejectedCount()).isEqualTo(1);
        }
    }

    @Test
    void aRuleAtTheEndOfDataMatchesTheMessageItAnswers() throws Exception {
        smtp.script().at(Stage.DATA_END).matching("refuse me").reply("554 5.7.1 Refused").always();
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            client.readReply();
            client.command("EHLO client.test");
            for (String subject : new String[] {"Refuse me", "keep me"}) {
                client.command("MAIL FROM:<a@example.com>");
                client.command("RCPT TO:<b@example.com>");
                client.command("DATA");
                String reply = client.command("Subject: " + subject + "\r\n\r\nbody\r\n.");
                assertThat(reply).startsWith(subject.startsWith("Refuse") ? "554 5.7.1" : "250 2.0.0");
            }
        }
        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5))).singleElement()
                .satisfies(m -> assertThat(m.subject()).contains("keep me"));
        assertThat(smtp.rejectedCount()).isEqualTo(1);
    }

    @Test
    void enforcesCommandOrderAndSupportsRsetAndNoop() throws Exception {
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            client.readReply();
            assertThat(client.command("MAIL FROM:<a@example.com>")).startsWith("503");
            assertThat(client.command("HELO client.test")).isEqualTo("250 mx.test");
            assertThat(client.command("RCPT TO:<b@example.com>")).startsWith("503");
            assertThat(client.command("MAIL FROM:<a@example.com>")).startsWith("250");
            assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Error: need RCPT command");
            assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(client.command("XYZZY")).startsWith("502");
            assertThat(client.command("")).startsWith("500");
        }
    }

    @Test
    void unfoldsHeadersAndLooksThemUpIgnoringCase() throws Exception {
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<>");
            client.command("RCPT TO:<b@example.com>");
            client.command("DATA");
            client.write("X-Long: first\r\n\tsecond\r\nX-Twice: 1\r\nx-twice: 2\r\n\r\nbody\r\n.");
            assertThat(client.readReply()).startsWith("250");
        }

        ReceivedMessage received = smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(received.header("x-long")).contains("first\tsecond");
        assertThat(received.headers("X-TWICE")).containsExactly("1", "2");
        assertThat(received.mailFrom()).isEmpty();
        assertThat(received.body()).isEqualTo("body\r\n");
    }

    @Test
    void closeReleasesHungConnectionsPromptly() throws Exception {
        smtp.script().hang(Stage.MAIL);
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            client.readReply();
            client.command("EHLO client.test");
            client.write("MAIL FROM:<a@example.com>");

            long start = System.nanoTime();
            smtp.close();

            assertThat(client.readReply()).isNull(); // the server closed the connection without answering
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(smtp.activeConnectionCount()).isZero();
    }

    @Test
    void aMessageTakenWithoutAnswerIsKeptWhileTheClientHearsNothing() throws Exception {
        smtp.script().takeWithoutAnswer();
        try (RawSmtpClient client = new RawSmtpClient(smtp, 500)) {
            client.readReply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<a@example.com>");
            client.command("RCPT TO:<b@example.com>");
            client.command("DATA");
            client.write("Subject: taken\r\n\r\nbody\r\n.");

            assertThatThrownBy(client::readReply).isInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertThat(smtp.messages()).extracting(m -> m.subject().orElseThrow()).containsExactly("taken");
    }

    @Test
    void delaysTheScriptedStage() throws Exception {
        smtp.script().delay(Stage.EHLO, Duration.ofMillis(300));
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            client.readReply();
            long start = System.nanoTime();
            assertThat(client.command("EHLO client.test")).startsWith("250");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void scriptedGreetingOf421ClosesTheConnection() throws Exception {
        smtp.script().at(Stage.CONNECT).reply("421 4.3.2 Service not available, closing transmission channel");
        try (RawSmtpClient client = new RawSmtpClient(smtp, 5000)) {
            assertThat(client.readReply()).startsWith("421 4.3.2");
            assertThat(client.readReply()).isNull();
        }
    }

    @Test
    void dropsIdleConnections() throws Exception {
        try (ScriptableSmtpServer quick = ScriptableSmtpServer.builder().idleTimeout(Duration.ofMillis(200)).start();
                RawSmtpClient client = new RawSmtpClient(quick, 5000)) {
            client.readReply();
            assertThat(client.readReply()).isNull(); // closed by the server once idle
        }
    }
}
