package dev.notifier.feedback.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.FeedbackKind;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.schemas.VerpAddress;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A bounce whose returned original lost the id header and the Message-ID is still tied to its
 * notification when it was addressed to the VERP return path the worker sent as MAIL FROM (an
 * account's {@code returnPath}): the corpus's Postfix DSN, re-addressed to that return path, with
 * every header of the original that names the id removed.
 */
class VerpCorrelationTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-21T12:00:00Z");
  private static final String TEMPLATE = "bounces+{id}@bounces.notifier.test";
  private final ReportReader reader = new ReportReader("imap:bounces@notifier.test");

  @Test
  void aDsnAddressedToTheReturnPathIsTiedToItsNotificationByTheEnvelopeAlone() throws Exception {
    String id = NotificationIds.forAddress("evt-44", "gone@example.org", "bug-confirmed");
    String returnPath = VerpAddress.forNotification(TEMPLATE, id);

    ReportReading reading = reader.read(message(withoutIdHeaders(corpus("postfix-user-unknown.eml"))
        .replace("To: bounces@notifier.test", "To: " + returnPath)
        .replace("Return-Path: <bounces@notifier.test>", "Return-Path: <" + returnPath + ">")), RECEIVED);

    assertThat(reading.feedback()).singleElement().satisfies(f -> {
      assertThat(f.getNotificationId()).isEqualTo(id);
      assertThat(f.getAddress()).isEqualTo("gone@example.org");
      assertThat(f.getKind()).isEqualTo(FeedbackKind.HARD_BOUNCE);
    });
  }

  @Test
  void theSameDsnToThePlainBounceAddressCannotBeTiedToANotification() throws Exception {
    ReportReading reading = reader.read(message(withoutIdHeaders(corpus("postfix-user-unknown.eml"))), RECEIVED);

    assertThat(reading.feedback()).singleElement().satisfies(f -> assertThat(f.getNotificationId()).isNull());
  }

  /** The report with the returned original's Message-ID and X-Notifier-Notification-Id lines removed. */
  private static String withoutIdHeaders(String report) {
    String stripped = report.lines()
        .filter(line -> !line.startsWith("Message-ID: <5f7614d0") && !line.startsWith(Correlation.HEADER + ":"))
        .collect(Collectors.joining("\r\n", "", "\r\n"));
    assertThat(stripped).doesNotContain("5f7614d0");
    return stripped;
  }

  private static String corpus(String file) throws Exception {
    try (InputStream in = VerpCorrelationTest.class.getResourceAsStream("/reports/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static MimeMessage message(String text) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()),
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }
}
