package dev.notifier.sender.doctor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * SMTP lines on a plain socket, for the probes that must look below Angus Mail: the greeting, EHLO
 * and STARTTLS before the TLS handshake. Reads byte by byte, unbuffered, so not a byte of the
 * server's TLS handshake is consumed as text. Every line goes to the transcript.
 */
final class ProbeChannel {

  private static final int MAX_LINE = 4096;
  private static final int MAX_LINES = 100;

  private final InputStream in;
  private final OutputStream out;
  private final MaskingTranscript transcript;

  ProbeChannel(Socket socket, MaskingTranscript transcript) throws IOException {
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.transcript = transcript;
  }

  /** Reads one reply, all its lines joined by '\n'. */
  String readReply() throws IOException {
    StringBuilder reply = new StringBuilder();
    for (int n = 0; n < MAX_LINES; n++) {
      String line = readLine();
      transcript.line(line);
      reply.append(n > 0 ? "\n" : "").append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return reply.toString();
      }
    }
    throw new IOException("the server sent more than " + MAX_LINES + " lines in one reply");
  }

  /** Sends {@code command} and reads the reply. */
  String command(String command) throws IOException {
    transcript.line(command);
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readReply();
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("the server closed the connection"
            + (line.size() > 0 ? " after '" + line.toString(StandardCharsets.UTF_8) + "'" : ""));
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("the server sent a line longer than " + MAX_LINE + " bytes: not SMTP");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
