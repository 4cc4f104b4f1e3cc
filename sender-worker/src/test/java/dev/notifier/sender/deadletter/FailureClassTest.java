package dev.notifier.sender.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.sender.smtp.DeliveryException;
import dev.notifier.sender.smtp.SmtpReply;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassTest {

  /** An empty reply column means the server said nothing (refused connection, time-out, bad message). */
  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      rcpt    | 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown | DEAD_RECIPIENT
      rcpt    | 553 5.1.3 Bad recipient address syntax                              | DEAD_RECIPIENT
      data    | 550 5.1.2 Host unknown                                              | DEAD_RECIPIENT
      auth    | 535 5.7.8 Error: authentication failed                              | ACCOUNT_ERROR
      auth    | 535 Authentication failed                                           | ACCOUNT_ERROR
      mail    | 553 Mail from must equal authorized user                            | ACCOUNT_ERROR
      mail    | 530 5.7.0 Must issue a STARTTLS command first                        | ACCOUNT_ERROR
      mail    | 534 5.7.14 Please log in with your web browser                      | ACCOUNT_ERROR
      connect | 421 Service not available                                           | TRANSIENT
      rcpt    | 450 4.2.1 Mailbox busy                                              | TRANSIENT
      data    | 451 4.3.0 Try again later                                           | TRANSIENT
      auth    | 454 4.7.0 Temporary authentication failure                          | TRANSIENT
      io      |                                                                     | TRANSIENT
      connect |                                                                     | TRANSIENT
      message |                                                                     | INVALID_MESSAGE
      account |                                                                     | UNKNOWN_ACCOUNT
      data    | 554 5.7.1 Message rejected as spam                                  | PERMANENT
      mail    | 550 5.7.1 Sender blocked                                            | PERMANENT
      connect | 554 No SMTP service here                                            | PERMANENT
      """)
  void classifiesByStepAndReply(String step, String replyLine, FailureClass expected) {
    SmtpReply reply = replyLine == null ? null : SmtpReply.parse(replyLine);
    if (replyLine != null) {
      assertThat(reply).as("test data must be a parseable reply").isNotNull();
    }

    assertThat(FailureClass.of(new DeliveryException(step, reply, "failed at " + step, null))).isEqualTo(expected);
  }
}
