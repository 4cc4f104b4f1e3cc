package dev.notifier.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void deliversOverImplicitTls() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT).start()) {
            AngusClient client = AngusClient.to(smtp).trusting(smtp).with("mail.smtp.ssl.enable", "true")
                    .with("mail.smtp.ssl.checkserveridentity", "true");

            Transport.send(client.message("a@example.com", "over TLS", "x", "b@example.com"));

            assertThat(smtp.awaitMessages(1, WAIT).get(0).tls()).isTrue();
        }
    }

    @Test
    void deliversAfterRequiredStartTls() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.STARTTLS).requireStartTls(true)
                .start()) {
            AngusClient client = AngusClient.to(smtp).trusting(smtp).with("mail.smtp.starttls.enable", "true")
                    .with("mail.smtp.starttls.required", "true");

            Transport.send(client.message("a@example.com", "upgraded", "x", "b@example.com"));

            ReceivedMessage received = smtp.awaitMessages(1, WAIT).get(0);
            assertThat(received.tls()).isTrue();
            assertThat(smtp.transcript(received.connectionId()).orElseThrow().lines())
                    .contains("*: TLS negotiated (STARTTLS)");
        }
    }

    @Test
    void refusesMailBeforeStartTlsWhenRequired() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.STARTTLS).requireStartTls(true)
                .start()) {
            AngusClient client = AngusClient.to(smtp); // never issues STARTTLS

            assertThatThrownBy(() -> Transport.send(client.message("a@example.com", "plain", "x", "b@example.com")))
                    .isInstanceOfSatisfying(SMTPSendFailedException.class,
                            e -> assertThat(e.getReturnCode()).isEqualTo(530))
                    .hasMessageContaining("Must issue a STARTTLS command first");
        }
    }

    @Test
    void clientRequiringStartTlsFailsWhenItIsNotAdvertised() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.STARTTLS).advertiseStartTls(false)
                .start()) {
            AngusClient client = AngusClient.to(smtp).trusting(smtp).with("mail.smtp.starttls.enable", "true")
                    .with("mail.smtp.starttls.required", "true");

            assertThatThrownBy(() -> Transport.send(client.message("a@example.com", "x", "x", "b@example.com")))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("STARTTLS");
            assertThat(smtp.messages()).isEmpty();
        }
    }

    @Test
    void failsHostNameVerificationForCertificateOfAnotherHost() throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT)
                .certificateHost("wrong.example").start()) {
            AngusClient checking = AngusClient.to(smtp).trusting(smtp).with("mail.smtp.ssl.enable", "true")
                    .with("mail.smtp.ssl.checkserveridentity", "true");
            AngusClient notChecking = AngusClient.to(smtp).trusting(smtp).with("mail.smtp.ssl.enable", "true")
                    .with("mail.smtp.ssl.checkserveridentity", "false");

            assertThatThrownBy(() -> Transport.send(checking.message("a@example.com", "x", "x", "b@example.com")))
                    .isInstanceOf(MessagingException.class)
                    .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
            Transport.send(notChecking.message("a@example.com", "trusted anyway", "x", "b@example.com"));

            assertThat(smtp.awaitMessages(1, WAIT)).extracting(m -> m.subject().orElseThrow())
                    .containsExactly("trusted anyway");
            assertThat(smtp.certificate().hostName()).isEqualTo("wrong.example");
        }
    }

    @Test
    void writesTrustStoreHoldingTheServerCertificate(@TempDir Path dir) throws Exception {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().tls(TlsMode.IMPLICIT).start()) {
            Path file = dir.resolve("smtp-trust.p12");
            smtp.writeTrustStore(file, "changeit".toCharArray());

            KeyStore loaded = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                loaded.load(in, "changeit".toCharArray());
            }
            assertThat(loaded.getCertificate(loaded.aliases().nextElement()))
                    .isEqualTo(smtp.certificate().certificate());
        }
    }

    @Test
    void plainServerHasNoCertificate() {
        try (ScriptableSmtpServer smtp = ScriptableSmtpServer.builder().start()) {
            assertThatThrownBy(smtp::trustStore).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("TLS mode NONE");
        }
    }
}
