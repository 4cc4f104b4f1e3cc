package dev.notifier.sender.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpReplyTest {

  @Test
  void parsesCodeEnhancedCodeAndText() {
    SmtpReply reply = SmtpReply.parse("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");

    assertThat(reply).isEqualTo(new SmtpReply(550, "5.1.1", "<bob@example.com>: Recipient address rejected: User unknown"));
    assertThat(reply.isTransient()).isFalse();
    assertThat(reply).hasToString("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown");
  }

  @Test
  void parsesReplyWithoutEnhancedCode() {
    SmtpReply reply = SmtpReply.parse("421 Service not available");

    assertThat(reply).isEqualTo(new SmtpReply(421, null, "Service not available"));
    assertThat(reply.isTransient()).isTrue();
    assertThat(reply).hasToString("421 Service not available");
  }

  @Test
  void parsesAuthenticationFailure() {
    assertThat(SmtpReply.parse("535 5.7.8 Error: authentication failed"))
        .isEqualTo(new SmtpReply(535, "5.7.8", "Error: authentication failed"));
  }

  @Test
  void stripsSurroundingWhitespaceAndTheTrailingLineBreakAngusLeaves() {
    assertThat(SmtpReply.parse("  553 5.7.1 Mail from must equal authorized user\r\n"))
        .isEqualTo(new SmtpReply(553, "5.7.1", "Mail from must equal authorized user"));
  }

  @Test
  void parsesTheFirstLineCodeOfAMultiLineReply() {
    SmtpReply reply = SmtpReply.parse("250-smtp.example.com\n250-PIPELINING\n250 SIZE 10240000");

    assertThat(reply.code()).isEqualTo(250);
    assertThat(reply.enhancedCode()).isNull();
    assertThat(reply.text()).startsWith("smtp.example.com").contains("PIPELINING").endsWith("SIZE 10240000");
  }

  @Test
  void parsesAContinuationLineWithEnhancedCode() {
    assertThat(SmtpReply.parse("550-5.7.1 Our system has detected an unusual rate"))
        .isEqualTo(new SmtpReply(550, "5.7.1", "Our system has detected an unusual rate"));
  }

  @Test
  void parsesACodeAlone() {
    assertThat(SmtpReply.parse("354")).isEqualTo(new SmtpReply(354, null, ""));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "hello", "connection reset", "55 too short", "abc 5.1.1 nope",
      "Couldn't connect to host, port: localhost, 25; timeout -1"})
  void returnsNullForAnythingThatIsNotAReply(String line) {
    assertThat(SmtpReply.parse(line)).isNull();
  }
}
