package dev.notifier.testkit.smtp;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The byte level of one SMTP connection: CRLF lines in and out, the DATA section with
 * dot-unstuffing, and the switch to TLS. Bare LF is accepted as a line end. Lines are limited in
 * length so a misbehaving client cannot exhaust memory.
 */
final class SmtpChannel implements Closeable {

    private static final int MAX_COMMAND_LINE = 4096;
    private static final int MAX_DATA_LINE = 1 << 20;

    private final Socket rawSocket;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    /** What arrived from the client and is not read yet: {@code buffer[pos..limit)}. */
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    SmtpChannel(Socket rawSocket) throws IOException {
        this.rawSocket = rawSocket;
        use(rawSocket);
    }

    private void use(Socket current) throws IOException {
        this.socket = current;
        this.in = current.getInputStream();
        this.out = new BufferedOutputStream(current.getOutputStream());
        pos = 0;
        limit = 0;
    }

    /** Performs the server side of a TLS handshake on the current connection. */
    void startTls(SSLContext context) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(rawSocket,
                rawSocket.getInetAddress().getHostAddress(), rawSocket.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.setSoTimeout(rawSocket.getSoTimeout());
        ssl.startHandshake();
        use(ssl); // anything the client sent before the handshake is discarded, as RFC 3207 requires
    }

    boolean isTls() {
        return socket instanceof SSLSocket;
    }

    /** The next command line without its line end, or null if the client closed the connection. */
    String readLine() throws IOException {
        byte[] line = readLineBytes(MAX_COMMAND_LINE);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    /**
     * Reads the message data up to the line ".", undoing dot-stuffing. Keeps at most {@code maxBytes};
     * beyond that the rest is read and dropped and {@code null} returned. Each line is copied once, from
     * the read buffer straight into the data, ending in CR LF whether it came with CR LF or a bare LF.
     */
    byte[] readData(long maxBytes) throws IOException {
        Bytes data = new Bytes();
        boolean tooBig = false;
        while (true) {
            int start = data.size();
            int length = appendLine(data, MAX_DATA_LINE);
            if (length < 0) {
                throw new IOException("connection closed in the middle of DATA");
            }
            if (length == 1 && data.at(start) == '.') {
                data.truncate(start);
                return tooBig ? null : data.toByteArray();
            }
            tooBig = tooBig || start + length + 2L > maxBytes;
            if (tooBig) {
                data.truncate(0); // read and dropped: what is kept stays within one line
                continue;
            }
            if (length > 0 && data.at(start) == '.') {
                data.removeAt(start);
            }
            data.write('\r');
            data.write('\n');
        }
    }

    /** The next command line without its line end, as bytes, or null if the client closed the connection. */
    private byte[] readLineBytes(int maxLength) throws IOException {
        Bytes line = new Bytes();
        int length = appendLine(line, maxLength);
        return length < 0 ? null : line.toByteArray();
    }

    /**
     * Appends the next line to {@code out} without its line end (LF, or CR LF) and returns its length; at the
     * end of the connection, what came before it, or -1 if nothing did. Scans the read buffer, so a long
     * message costs a copy per line, not a call per byte.
     */
    private int appendLine(Bytes out, int maxLength) throws IOException {
        int start = out.size();
        while (true) {
            if (pos == limit && !fill()) {
                int length = out.size() - start;
                return length == 0 ? -1 : length;
            }
            int end = pos;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            if (out.size() - start + (end - pos) > maxLength) {
                throw new IOException("line longer than " + maxLength + " bytes");
            }
            out.write(buffer, pos, end - pos);
            if (end < limit) {
                pos = end + 1;
                if (out.size() > start && out.at(out.size() - 1) == '\r') {
                    out.truncate(out.size() - 1);
                }
                return out.size() - start;
            }
            pos = limit;
        }
    }

    /** A growing byte array without the locks of {@link java.io.ByteArrayOutputStream}. */
    private static final class Bytes {
        private byte[] bytes = new byte[256];
        private int size;

        int size() {
            return size;
        }

        byte at(int index) {
            return bytes[index];
        }

        void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        void write(byte[] from, int offset, int length) {
            ensure(length);
            System.arraycopy(from, offset, bytes, size, length);
            size += length;
        }

        void truncate(int length) {
            size = length;
        }

        /** Removes the byte at {@code index}, moving the rest one down. */
        void removeAt(int index) {
            System.arraycopy(bytes, index + 1, bytes, index, size - index - 1);
            size--;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + more));
            }
        }
    }

    /**
     * Reads what the client sent next into the buffer, sending first any replies held back when no more
     * input is waiting: the server never blocks on the client while a reply sits in its buffer (a client
     * that spoke out of turn — a TLS ClientHello to a plain server, a command that is not a whole line —
     * still hears the server). False when the client closed the connection.
     */
    private boolean fill() throws IOException {
        if (in.available() == 0) {
            out.flush();
        }
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** Whether more of the client's bytes already arrived: it sent them before hearing the last reply. */
    boolean hasBufferedInput() throws IOException {
        return pos < limit || in.available() > 0;
    }

    /**
     * Sends one reply, possibly several lines separated by '\n'. While the client's next commands are
     * already here (it pipelines), the reply waits in the buffer and leaves with the others once the
     * server needs more input, as RFC 2920 4 has servers do: one segment, not one per reply.
     */
    void send(String reply) throws IOException {
        out.write((reply.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        if (!hasBufferedInput()) {
            out.flush();
        }
    }

    /** Sends any replies still buffered, before the server waits on something other than the client. */
    void flush() throws IOException {
        out.flush();
    }

    /** Closes the TCP connection without a TLS close_notify, which could block on a stuck peer. */
    @Override
    public void close() {
        try {
            rawSocket.close();
        } catch (IOException ignored) {
            // closing is best effort; the socket is unusable either way
        }
    }
}
