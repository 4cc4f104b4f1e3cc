package dev.notifier.testkit.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * The conversation on one connection, for debugging a failing test: lines prefixed "C: " (client),
 * "S: " (server) or "*: " (events such as TLS negotiated or timeouts). Message data is summarised
 * by its size and credentials are masked. Capped at {@value #MAX_LINES} lines so benchmarks that
 * keep a connection open for many messages do not grow without bound.
 */
public final class Transcript {

    static final int MAX_LINES = 2_000;

    private final long connectionId;
    private final List<String> lines = new ArrayList<>();
    private boolean truncated;

    Transcript(long connectionId) {
        this.connectionId = connectionId;
    }

    public long connectionId() {
        return connectionId;
    }

    /** A snapshot of the lines so far. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    synchronized void client(String line) {
        add("C: ", line);
    }

    synchronized void server(String line) {
        add("S: ", line);
    }

    synchronized void event(String line) {
        add("*: ", line);
    }

    private void add(String prefix, String line) {
        if (lines.size() < MAX_LINES) {
            lines.add(prefix + line);
        } else if (!truncated) {
            truncated = true;
            lines.add("*: transcript truncated after " + MAX_LINES + " lines");
        }
    }

    @Override
    public synchronized String toString() {
        return "connection " + connectionId + ":\n" + String.join("\n", lines);
    }
}
