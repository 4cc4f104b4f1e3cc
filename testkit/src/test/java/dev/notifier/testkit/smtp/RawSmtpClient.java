package dev.notifier.testkit.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A line-level SMTP client for tests that need to see exact bytes and replies. */
final class RawSmtpClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    RawSmtpClient(ScriptableSmtpServer server, int readTimeoutMillis) throws IOException {
        socket = new Socket(server.host(), server.port());
        socket.setSoTimeout(readTimeoutMillis);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Reads one (possibly multi-line) reply and returns its last line, or null at end of stream. */
    String readReply() throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        return line;
    }

    String command(String line) throws IOException {
        write(line);
        return readReply();
    }

    void write(String line) throws IOException {
        writeRaw(line + "\r\n");
    }

    /** Sends {@code bytes} as they are, in a write of their own: no line end added. */
    void writeRaw(String bytes) throws IOException {
        out.write(bytes.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
