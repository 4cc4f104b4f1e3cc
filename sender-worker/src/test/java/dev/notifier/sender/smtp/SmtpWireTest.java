package dev.notifier.sender.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pipelining client's reply framing, against a loopback peer that sends fixed bytes and closes. */
class SmtpWireTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Connects to a peer that writes {@code bytes} and closes its side. */
  private static SmtpWire wireReading(String bytes) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SmtpWire wire = SmtpWire.connect("127.0.0.1", server.getLocalPort(), WAIT, WAIT, null, false);
      try (Socket peer = server.accept(); OutputStream out = peer.getOutputStream()) {
        out.write(bytes.getBytes(StandardCharsets.UTF_8));
      }
      return wire;
    }
  }

  @Test
  void aMultiLineReplyIsOneReplyWithItsExtensions() throws Exception {
    try (SmtpWire wire = wireReading("250-smtp.example.com\r\n250-PIPELINING\r\n250-auth plain login\r\n"
        + "250 ENHANCEDSTATUSCODES\r\n550 5.1.1 <bob@example.com>: User unknown\r\n")) {
      SmtpWire.Reply ehlo = wire.read();
      assertThat(ehlo.code()).isEqualTo(250);
      assertThat(ehlo.extensions()).containsExactly("PIPELINING", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES");

      SmtpReply refusal = wire.read().smtpReply();
      assertThat(refusal.code()).isEqualTo(550);
      assertThat(refusal.enhancedCode()).isEqualTo("5.1.1");
      assertThat(refusal.text()).isEqualTo("<bob@example.com>: User unknown");
    }
  }

  @Test
  void aBareCodeAndALineFeedWithoutCarriageReturnAreReplies() throws Exception {
    try (SmtpWire wire = wireReading("354\n221 2.0.0 Bye\n")) {
      assertThat(wire.read().code()).isEqualTo(354);
      assertThat(wire.read().smtpReply().enhancedCode()).isEqualTo("2.0.0");
    }
  }

  @Test
  void somethingThatIsNotAReplyIsAProtocolErrorAndAClosedConnectionAnEndOfStream() throws Exception {
    try (SmtpWire wire = wireReading("HTTP/1.1 400 Bad Request\r\n")) {
      assertThatThrownBy(wire::read).isInstanceOf(ProtocolException.class).hasMessageContaining("not an SMTP reply");
    }
    try (SmtpWire wire = wireReading("250-half a reply\r\n")) {
      assertThatThrownBy(wire::read).isInstanceOf(EOFException.class);
    }
  }
}
