package dev.notifier.testkit.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The server side of AUTH PLAIN (RFC 4616) and AUTH LOGIN, with or without an initial response.
 * Returns the user name on success, or null after having sent the failure reply itself.
 */
final class SmtpAuthExchange {

    static final String INVALID = "535 5.7.8 Authentication credentials invalid";

    private final SmtpChannel channel;
    private final Transcript transcript;
    private final Map<String, String> credentials;

    SmtpAuthExchange(SmtpChannel channel, Transcript transcript, Map<String, String> credentials) {
        this.channel = channel;
        this.transcript = transcript;
        this.credentials = credentials;
    }

    /** Runs the exchange for "AUTH {@code argument}"; sends every reply, including the final one. */
    String run(String argument) throws IOException {
        String[] parts = argument.trim().split(" +", 2);
        String mechanism = parts[0].toUpperCase(Locale.ROOT);
        String initial = parts.length > 1 ? parts[1] : null;
        try {
            switch (mechanism) {
                case "PLAIN":
                    return plain(initial);
                case "LOGIN":
                    return login(initial);
                default:
                    send("504 5.5.4 Unrecognized authentication type: " + parts[0]);
                    return null;
            }
        } catch (IllegalArgumentException e) {
            send("501 5.5.2 Cannot decode response");
            return null;
        } catch (AbortedException e) {
            send("501 5.7.0 Authentication aborted");
            return null;
        }
    }

    private String plain(String initial) throws IOException {
        String response = initial != null && !initial.equals("=") ? initial : challenge("");
        String[] fields = decode(response).split("\0", -1);
        if (fields.length != 3) {
            throw new IllegalArgumentException("PLAIN response must have three NUL-separated fields");
        }
        return verify(fields[1], fields[2]);
    }

    private String login(String initial) throws IOException {
        String user = decode(initial != null ? initial : challenge(encode("Username:")));
        String password = decode(challenge(encode("Password:")));
        return verify(user, password);
    }

    private String verify(String user, String password) throws IOException {
        if (password.equals(credentials.get(user))) {
            send("235 2.7.0 Authentication successful");
            return user;
        }
        transcript.event("authentication failed for user '" + user + "'");
        send(INVALID);
        return null;
    }

    private String challenge(String text) throws IOException {
        send("334 " + text);
        String line = channel.readLine();
        if (line == null) {
            throw new IOException("connection closed during AUTH");
        }
        transcript.client("****");
        if (line.equals("*")) {
            throw new AbortedException();
        }
        return line;
    }

    private void send(String reply) throws IOException {
        transcript.server(reply);
        channel.send(reply);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The client answered a challenge with "*". */
    private static final class AbortedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AbortedException() {
            super(null, null, false, false);
        }
    }
}
