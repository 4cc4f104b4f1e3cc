package dev.notifier.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notifier.testkit.smtp.ScriptableSmtpServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LatencyProxyTest {

    private static final Duration RTT = Duration.ofMillis(80);

    @Test
    void eachRoundTripThroughTheProxyTakesAtLeastTheRtt() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start();
                LatencyProxy proxy = LatencyProxy.start(smtp.host(), smtp.port(), RTT);
                Socket socket = new Socket(proxy.host(), proxy.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");

            long start = System.nanoTime();
            out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = in.readLine();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(reply).startsWith("250");
            assertThat(took).isGreaterThanOrEqualTo(RTT).isLessThan(RTT.plusSeconds(5));
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void aMessageSentThroughTheProxyArrivesWhole() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().build().start();
                LatencyProxy proxy = LatencyProxy.start(smtp.host(), smtp.port(), RTT)) {
            Properties props = new Properties();
            props.put("mail.smtp.host", proxy.host());
            props.put("mail.smtp.port", String.valueOf(proxy.port()));
            props.put("mail.smtp.connectiontimeout", "5000");
            props.put("mail.smtp.timeout", "5000");
            MimeMessage m = new MimeMessage(Session.getInstance(props));
            m.setFrom(new InternetAddress("from@example.com"));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress("to@example.com"));
            m.setSubject("through the proxy");
            m.setText("x".repeat(100_000));

            Transport.send(m);

            assertThat(smtp.awaitMessages(1, Duration.ofSeconds(10)).get(0).subject()).hasValue("through the proxy");
        }
    }

    @Test
    void refusesATargetOffThisMachine() {
        assertThatThrownBy(() -> LatencyProxy.start("192.0.2.1", 25, RTT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("192.0.2.1").hasMessageContaining("loopback");
    }
}
