package dev.notifier.feedback.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The corpus, row by row: bounce and complaint reports in the formats the MTAs and providers
 * document — RFC 3464's own example, Postfix (failed, and a delayed warning), Exim (the generic
 * 5.0.0), Exchange Online (5.1.10), Gmail (a folded diagnostic in a nested multipart), QQ and 163
 * (plain Chinese text), RFC 5965's abuse report — each built by hand from those documents, with
 * no private mail, in {@code src/test/resources/reports}; and two delivery-status parts Angus' DSN
 * parser alone misses: one in base64 transfer encoding, one whose blank lines hold spaces or a tab.
 */
class ReportCorpusTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-21T12:00:00Z");
  private final ReportReader reader = new ReportReader("imap:bounces@notifier.test");

  private static MimeMessage load(String file) throws Exception {
    try (InputStream in = ReportCorpusTest.class.getResourceAsStream("/reports/" + file)) {
      assertThat(in).as(file).isNotNull();
      return new MimeMessage(Session.getInstance(new Properties()), in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // file                                  | format          | address                          | kind        | notification id                      | code | enhanced
      "rfc3464-failed.eml                      | delivery-status | louisl@larry.slip.umd.edu        | SOFT_BOUNCE | -                                    | 426  | 4.0.0",
      "postfix-user-unknown.eml                | delivery-status | gone@example.org                 | HARD_BOUNCE | 5f7614d0-0b1e-3d00-9cc8-4136f5f6c443 | 550  | 5.1.1",
      "postfix-delayed-mailbox-full.eml        | delivery-status | full@example.net                 | SOFT_BOUNCE | 0b6a3c52-7a8e-3f1c-9a51-2e2c1d7b9f00 | 452  | 4.2.2",
      "exim-user-unknown.eml                   | delivery-status | nobody@example.com               | HARD_BOUNCE | 7d0c9a1e-4b2f-3c6d-8e9f-0a1b2c3d4e5f | 550  | 5.0.0",
      "exchange-recipient-not-found.eml        | delivery-status | former.employee@contoso.example  | HARD_BOUNCE | a3f1e2d4-5b6c-3d7e-8f90-1a2b3c4d5e6f | 550  | 5.1.10",
      "gmail-address-not-found.eml             | delivery-status | nobody.here@gmail.com            | HARD_BOUNCE | c4696024-25fd-3bf7-8bbb-587d22124823 | 550  | 5.1.1",
      "qq-mailbox-not-found.eml                | plain-bounce    | departed@qq.com                  | HARD_BOUNCE | e2b1c0d9-8a7f-3e6d-9c5b-4a3f2e1d0c9b | 550  | -",
      "netease-163-user-not-found.eml          | plain-bounce    | nouser@163.com                   | HARD_BOUNCE | -                                    | 550  | -",
      "arf-abuse.eml                           | feedback-report | complainer@example.net           | COMPLAINT   | 0b6a3c52-7a8e-3f1c-9a51-2e2c1d7b9f00 | -    | -",
      "dsn-base64-encoded-status.eml           | delivery-status | left.company@example.com         | HARD_BOUNCE | 9a8b7c6d-5e4f-3a2b-8c1d-0e9f8a7b6c5d | 550  | 5.1.1",
      "dsn-blank-lines-with-spaces.eml         | delivery-status | no.such.user@example.net         | HARD_BOUNCE | 1b2c3d4e-5f60-3718-9a0b-c1d2e3f4a5b6 | 550  | 5.1.1"})
  void eachReportBecomesOneFeedbackRecord(String file, String format, String address, FeedbackKind kind, String id,
      Integer code, String enhanced) throws Exception {
    ReportReading reading = reader.read(load(file), RECEIVED);

    assertThat(reading.format()).isEqualTo(format);
    assertThat(reading.feedback()).singleElement().satisfies(f -> {
      assertThat(f.getAddress()).isEqualTo(address);
      assertThat(f.getKind()).isEqualTo(kind);
      assertThat(f.getNotificationId()).isEqualTo(id);
      assertThat(f.getReplyCode()).isEqualTo(code);
      assertThat(f.getEnhancedCode()).isEqualTo(enhanced);
      assertThat(f.getSource()).isEqualTo("imap:bounces@notifier.test");
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "arf-not-spam.eml                        | feedback-report",
      "postfix-policy-refused-and-relayed.eml  | delivery-status",
      "out-of-office.eml                       | not-a-report"})
  void aReportThatSaysNothingOfTheAddressGivesNoFeedback(String file, String format) throws Exception {
    ReportReading reading = reader.read(load(file), RECEIVED);

    assertThat(reading.format()).isEqualTo(format);
    assertThat(reading.feedback()).isEmpty();
  }

  @Test
  void theDiagnosticIsUnfoldedAndTheTimeIsTheReportsOwn() throws Exception {
    Feedback gmail = reader.read(load("gmail-address-not-found.eml"), RECEIVED).feedback().get(0);
    assertThat(gmail.getDiagnostic()).startsWith("550-5.1.1 The email account that you tried to reach does not exist.")
        .doesNotContain("\n");
    assertThat(gmail.getAt()).isEqualTo(Instant.parse("2026-11-21T10:11:27Z"));

    Feedback postfix = reader.read(load("postfix-user-unknown.eml"), RECEIVED).feedback().get(0);
    assertThat(postfix.getDiagnostic())
        .isEqualTo("550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown in virtual mailbox table");
  }
}
