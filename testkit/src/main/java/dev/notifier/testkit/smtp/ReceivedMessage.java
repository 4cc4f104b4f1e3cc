package dev.notifier.testkit.smtp;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.mail.internet.MimeUtility;

/**
 * One message the server accepted (answered 250 after the terminating dot): its envelope, its raw
 * data and the facts of the connection it came over. Immutable.
 *
 * <p>Headers are parsed once from the data, when first asked for (a benchmark's sink accepts thousands
 * of messages a second and reads them after): unfolded (RFC 5322 §2.2.3), looked up ignoring case,
 * in the order they appear. Header values are kept raw; {@link #subject()} additionally decodes
 * RFC 2047 encoded words.
 */
public final class ReceivedMessage {

    private final long connectionId;
    private final String queueId;
    private final String mailFrom;
    private final List<String> recipients;
    private final byte[] data;
    /** Parsed from {@link #data} on first use; parsing twice gives an equal map, so a race costs only time. */
    private volatile Map<String, List<String>> headers;
    private final boolean tls;
    private final String authenticatedUser;
    private final Instant receivedAt;

    /** Takes {@code data} as it is: the caller hands it over and keeps no reference. */
    ReceivedMessage(long connectionId, String queueId, String mailFrom, List<String> recipients, byte[] data,
            boolean tls, String authenticatedUser, Instant receivedAt) {
        this.connectionId = connectionId;
        this.queueId = queueId;
        this.mailFrom = mailFrom;
        this.recipients = List.copyOf(recipients);
        this.data = data;
        this.tls = tls;
        this.authenticatedUser = authenticatedUser;
        this.receivedAt = receivedAt;
    }

    /** The id of the connection (1, 2, ...) the message arrived on; see {@link ScriptableSmtpServer#transcript(long)}. */
    public long connectionId() {
        return connectionId;
    }

    /** The id the server gave in "250 2.0.0 Ok: queued as &lt;id&gt;". */
    public String queueId() {
        return queueId;
    }

    /** The envelope sender (MAIL FROM), without angle brackets; empty for a null sender. */
    public String mailFrom() {
        return mailFrom;
    }

    /** The envelope recipients (RCPT TO) that were accepted, in order, without angle brackets. */
    public List<String> recipients() {
        return recipients;
    }

    /** The message data as sent after DATA, dot-unstuffed, without the terminating dot line. */
    public byte[] data() {
        return data.clone();
    }

    /** {@link #data()} decoded as UTF-8. */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Everything after the first empty line of the data (raw, still transfer-encoded). */
    public String body() {
        String text = dataAsString();
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? "" : text.substring(end + 4);
    }

    /** All headers, names ignoring case, values unfolded and raw. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> parsed = headers;
        if (parsed == null) {
            parsed = parseHeaders(headerSection());
            headers = parsed;
        }
        return parsed;
    }

    /** The data up to its first empty line (all of it if there is none), decoded as UTF-8. */
    private String headerSection() {
        for (int i = 0; i + 3 < data.length; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n') {
                return new String(data, 0, i, StandardCharsets.UTF_8);
            }
        }
        return dataAsString();
    }

    /** All values of the header {@code name} (ignoring case), in order; empty if absent. */
    public List<String> headers(String name) {
        return headers().getOrDefault(name, List.of());
    }

    /** The first value of the header {@code name} (ignoring case), unfolded and raw. */
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** The Subject header with RFC 2047 encoded words decoded. */
    public Optional<String> subject() {
        return header("Subject").map(ReceivedMessage::decode);
    }

    /** The Message-ID header as sent, including angle brackets. */
    public Optional<String> messageId() {
        return header("Message-ID");
    }

    /** Whether the message came over TLS (implicit or after STARTTLS). */
    public boolean tls() {
        return tls;
    }

    /** The user the client authenticated as, if it did. */
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(authenticatedUser);
    }

    /** When the server accepted the message, by the server's clock. */
    public Instant receivedAt() {
        return receivedAt;
    }

    private static String decode(String value) {
        try {
            return MimeUtility.decodeText(value);
        } catch (UnsupportedEncodingException e) {
            return value; // an unknown charset: the raw value is the most useful thing to show
        }
    }

    private static Map<String, List<String>> parseHeaders(String text) {
        Map<String, List<String>> parsed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String name = null;
        StringBuilder value = new StringBuilder();
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf("\r\n", from);
            String line = text.substring(from, end < 0 ? text.length() : end);
            from = end < 0 ? text.length() : end + 2;
            if (line.isEmpty()) {
                break;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && name != null) {
                value.append(line);
                continue;
            }
            addHeader(parsed, name, value);
            int colon = line.indexOf(':');
            name = colon > 0 ? line.substring(0, colon).trim() : null;
            value.setLength(0);
            if (name != null) {
                value.append(line.substring(colon + 1));
            }
        }
        addHeader(parsed, name, value);
        parsed.replaceAll((key, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(parsed);
    }

    private static void addHeader(Map<String, List<String>> headers, String name, StringBuilder value) {
        if (name != null) {
            headers.computeIfAbsent(name, key -> new ArrayList<>()).add(value.toString().trim());
        }
    }

    @Override
    public String toString() {
        return "ReceivedMessage[connection " + connectionId + ", queued as " + queueId + ", from <" + mailFrom
                + "> to " + recipients + ", subject " + subject().orElse("(none)") + ", " + data.length + " bytes"
                + (tls ? ", TLS" : "") + (authenticatedUser == null ? "" : ", user " + authenticatedUser) + "]";
    }
}
