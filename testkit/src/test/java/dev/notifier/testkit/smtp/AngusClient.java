package dev.notifier.testkit.smtp;

import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Builds Angus Mail sessions and messages aimed at a {@link ScriptableSmtpServer}. */
final class AngusClient {

    private final Properties props = new Properties();

    private AngusClient(ScriptableSmtpServer server) {
        props.put("mail.smtp.host", server.host());
        props.put("mail.smtp.port", String.valueOf(server.port()));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        props.put("mail.smtp.writetimeout", "5000");
    }

    static AngusClient to(ScriptableSmtpServer server) {
        return new AngusClient(server);
    }

    /** Trusts the server's generated certificate (for implicit TLS and STARTTLS alike). */
    AngusClient trusting(ScriptableSmtpServer server) {
        props.put("mail.smtp.ssl.socketFactory", server.clientSslContext().getSocketFactory());
        // without this, a handshake failure is retried with the JDK's default trust store and the
        // real cause (e.g. a host name mismatch) is replaced by "PKIX path building failed"
        props.put("mail.smtp.socketFactory.fallback", "false");
        return this;
    }

    AngusClient with(String key, String value) {
        props.put(key, value);
        return this;
    }

    Session session() {
        return Session.getInstance(props);
    }

    MimeMessage message(String from, String subject, String body, String... to) throws MessagingException {
        MimeMessage message = new MimeMessage(session());
        message.setFrom(new InternetAddress(from));
        for (String recipient : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject(subject, "UTF-8");
        message.setText(body, "UTF-8");
        message.saveChanges();
        return message;
    }
}
