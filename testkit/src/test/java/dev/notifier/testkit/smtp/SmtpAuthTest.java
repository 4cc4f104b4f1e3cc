package dev.notifier.testkit.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Transport;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmtpAuthTest {

    private ScriptableSmtpServer smtp;

    @BeforeEach
    void startServer() {
        smtp = ScriptableSmtpServer.builder().user("alice@example.com", "app-code-123").requireAuth(true).start();
    }

    @AfterEach
    void stopServer() {
        smtp.close();
    }

    @Test
    void acceptsAuthPlain() throws Exception {
        AngusClient client = AngusClient.to(smtp).with("mail.smtp.auth", "true")
                .with("mail.smtp.auth.mechanisms", "PLAIN");

        Transport.send(client.message("alice@example.com", "hi", "x", "b@example.com"), "alice@example.com",
                "app-code-123");

        ReceivedMessage received = smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(received.authenticatedUser()).contains("alice@example.com");
        assertThat(smtp.transcript(received.connectionId()).orElseThrow().lines())
                .contains("C: AUTH PLAIN ****").noneMatch(line -> line.contains("app-code-123"));
    }

    @Test
    void acceptsAuthLogin() throws Exception {
        AngusClient client = AngusClient.to(smtp).with("mail.smtp.auth", "true")
                .with("mail.smtp.auth.mechanisms", "LOGIN");

        Transport.send(client.message("alice@example.com", "hi", "x", "b@example.com"), "alice@example.com",
                "app-code-123");

        assertThat(smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0).authenticatedUser())
                .contains("alice@example.com");
    }

    @Test
    void rejectsWrongPasswordWith535() throws Exception {
        AngusClient client = AngusClient.to(smtp).with("mail.smtp.auth", "true")
                .with("mail.smtp.auth.mechanisms", "PLAIN");

        assertThatThrownBy(() -> Transport.send(client.message("alice@example.com", "hi", "x", "b@example.com"),
                "alice@example.com", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("535 5.7.8 Authentication credentials invalid");
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void requiresAuthBeforeMail() throws Exception {
        AngusClient client = AngusClient.to(smtp); // mail.smtp.auth not set: the client never authenticates

        assertThatThrownBy(() -> Transport.send(client.message("alice@example.com", "hi", "x", "b@example.com")))
                .isInstanceOfSatisfying(SMTPSendFailedException.class, e -> {
                    assertThat(e.getReturnCode()).isEqualTo(530);
                    assertThat(e).hasMessageContaining("Authentication required");
                });
    }
}
