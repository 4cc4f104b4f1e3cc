package dev.notifier.sender.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** Which failures of a command mean the server had closed the connection (Angus's exceptions as it throws them). */
class SmtpFailuresTest {

  private static final String MAIL = "MAIL FROM:<noreply@notifier.test>";
  /** What the transport last heard on a pooled connection: the previous message's end of data. */
  private static final String PREVIOUS = "250 2.0.0 Ok: queued as 1A2B3C";

  @Test
  void anEndOfStreamInsteadOfAReplyIsAClosedConnection() {
    assertThat(SmtpFailures.closedWithoutReply(refused(-1, "[EOF]"), "[EOF]")).isTrue();
  }

  @Test
  void aCommandThatCannotBeWrittenIsAClosedConnection() {
    MessagingException e = new MessagingException("Can't send command to SMTP host", new SocketException("Broken pipe"));

    assertThat(SmtpFailures.closedWithoutReply(e, PREVIOUS)).isTrue();
  }

  @Test
  void aReplyIsNotAClosedConnectionEvenWhenTheServerClosesAfterIt() {
    assertThat(SmtpFailures.closedWithoutReply(refused(421, "421 4.3.2 Service shutting down"),
        "421 4.3.2 Service shutting down")).isFalse();
    // Angus's RSET after the 421 may fail on the closed socket and hide the reply behind an I/O error
    MessagingException e = new MessagingException("Can't send command to SMTP host", new SocketException("Broken pipe"));
    assertThat(SmtpFailures.closedWithoutReply(e, "421 4.3.2 Service shutting down")).isFalse();
  }

  @Test
  void aTimeOutIsNotAClosedConnection() {
    MessagingException e = new MessagingException("Exception reading response",
        new SocketTimeoutException("Read timed out"));

    assertThat(SmtpFailures.closedWithoutReply(e, "")).isFalse();
  }

  private static SMTPSendFailedException refused(int code, String response) {
    return new SMTPSendFailedException(MAIL, code, response, null, null, null, null);
  }
}
