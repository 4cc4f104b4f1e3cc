package dev.notifier.sender.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The bytes of one SMTP connection for the pipelining client: command lines go into a buffer and
 * leave together on {@link #flush()} (that is the pipelining), replies are read line by line, a
 * multi-line reply ({@code 250-...}) as one. Nothing is interpreted here beyond the reply framing.
 *
 * <p>Why not Netty's SMTP codec: it frames the same lines, but for a Netty channel and its event
 * loop; our sending threads are synchronous, one per connection, and the framing it would save is
 * the forty lines of {@link #read}. The TLS is the JDK's, set up as for Angus Mail.
 */
final class SmtpWire implements Closeable {

  /** RFC 5321 4.5.3.1.5 allows 512 octets a reply line; servers send longer texts, so be generous. */
  private static final int MAX_LINE = 8_192;
  /** More lines than any EHLO reply has: a server that never ends its reply is not followed forever. */
  private static final int MAX_LINES = 200;
  /** A reply line: three digits, then the end, a space (the last line) or a hyphen (more follow). */
  private static final Pattern REPLY_LINE = Pattern.compile("\\d{3}([ -].*)?", Pattern.DOTALL);

  private final Socket raw;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpWire(Socket raw) throws IOException {
    this.raw = raw;
    use(raw);
  }

  /** Connects within {@code connectTimeout}; with {@code tls} the handshake runs at once (implicit TLS). */
  static SmtpWire connect(String host, int port, Duration connectTimeout, Duration readTimeout,
      SSLSocketFactory tls, boolean checkIdentity) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
      socket.setTcpNoDelay(true);
      SmtpWire wire = new SmtpWire(socket);
      if (tls != null) {
        wire.startTls(tls, host, port, checkIdentity);
      }
      return wire;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Runs the TLS handshake over the connection; the server's name must match its certificate unless told otherwise. */
  void startTls(SSLSocketFactory tls, String host, int port, boolean checkIdentity) throws IOException {
    SSLSocket ssl = (SSLSocket) tls.createSocket(raw, host, port, true);
    if (checkIdentity) {
      SSLParameters parameters = ssl.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(parameters);
    }
    ssl.setSoTimeout(raw.getSoTimeout());
    ssl.startHandshake();
    use(ssl);
  }

  private void use(Socket current) throws IOException {
    this.socket = current;
    this.in = new BufferedInputStream(current.getInputStream(), 16 * 1024);
    this.out = new BufferedOutputStream(current.getOutputStream(), 64 * 1024);
  }

  /** Buffers one command line; it leaves with the next {@link #flush()}. */
  void command(String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.write('\r');
    out.write('\n');
  }

  /** The stream message data is written to (dot-stuffed by the caller). */
  OutputStream data() {
    return out;
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The next reply, waiting at most {@code timeout} for each of its lines. */
  Reply read(Duration timeout) throws IOException {
    int previous = socket.getSoTimeout();
    int wanted = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    if (wanted != previous) {
      socket.setSoTimeout(wanted);
    }
    try {
      return read();
    } finally {
      if (wanted != previous && !socket.isClosed()) {
        socket.setSoTimeout(previous);
      }
    }
  }

  /** The next reply within the read time-out. */
  Reply read() throws IOException {
    List<String> lines = new ArrayList<>();
    while (lines.size() < MAX_LINES) {
      String line = line();
      if (!REPLY_LINE.matcher(line).matches()) {
        throw new ProtocolException("not an SMTP reply: " + abbreviate(line));
      }
      lines.add(line);
      if (line.length() == 3 || line.charAt(3) == ' ') {
        return new Reply(Integer.parseInt(line.substring(0, 3)), List.copyOf(lines));
      }
    }
    throw new ProtocolException("a reply of more than " + MAX_LINES + " lines");
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (line.size() >= MAX_LINE) {
        throw new ProtocolException("a reply line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private static String abbreviate(String line) {
    return line.length() <= 80 ? line : line.substring(0, 80) + "...";
  }

  boolean isTls() {
    return socket instanceof SSLSocket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    raw.close();
  }

  /** One reply: its code and its lines as sent. */
  record Reply(int code, List<String> lines) {

    boolean positive() {
      return code >= 200 && code < 400;
    }

    /** The reply as the classifier reads it: code, enhanced code and text of its last line. */
    SmtpReply smtpReply() {
      SmtpReply last = SmtpReply.parse(lines.get(lines.size() - 1));
      return last != null ? last : new SmtpReply(code, null, "");
    }

    /** The EHLO keywords, upper case: {@code PIPELINING}, {@code STARTTLS}, {@code AUTH PLAIN LOGIN}. */
    List<String> extensions() {
      return lines.stream().skip(1).map(l -> l.length() > 4 ? l.substring(4).strip() : "")
          .map(l -> l.toUpperCase(java.util.Locale.ROOT)).toList();
    }

    @Override
    public String toString() {
      return String.join(" / ", lines);
    }
  }
}
