package dev.notifier.sender.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import dev.notifier.schemas.SendGridArgs;
import dev.notifier.schemas.UnsubscribeTokens;
import dev.notifier.schemas.config.UnsubscribeSettings;
import dev.notifier.sender.config.AccountSettings;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageFactoryTest {

  private static final String FROM = "noreply@notifier.test";
  private static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");

  private final Session session = SessionFactory.session(AccountSettings.local("default", "127.0.0.1", 2525, FROM));

  private static Notification.Builder notification() {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId("6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11")
        .setEventId("evt-42")
        .setEventType("bug.assigned")
        .setTemplate("bug-assigned")
        .setAccount("default")
        .setRecipient(Recipient.newBuilder().setUserId("alice").setEmail("alice@example.com").setName("Alice").build())
        .setSubject("Bug 42 assigned to you")
        .setTextBody("Bug 42 is yours now.")
        .setCreatedAt(CREATED);
  }

  @Test
  void messageIdIsTheNotificationIdAtTheSendersDomain() throws Exception {
    MimeMessage message = MessageFactory.build(session, notification().build(), FROM);

    assertThat(message.getMessageID()).isEqualTo("<6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11@notifier.test>");
    assertThat(message.getHeader("Message-ID")).containsExactly("<6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11@notifier.test>");
  }

  @Test
  void messageIdIsStableAcrossBuildsSoAResendIsRecognisable() throws Exception {
    Notification n = notification().build();

    MimeMessage first = MessageFactory.build(session, n, FROM);
    MimeMessage second = MessageFactory.build(session, n, FROM);
    second.saveChanges(); // a transport calls saveChanges again before writing; the id must survive it

    assertThat(second.getMessageID()).isEqualTo(first.getMessageID()).isEqualTo(
        MessageFactory.messageId(n.getNotificationId(), FROM));
    assertThat(written(second)).contains("Message-ID: <6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11@notifier.test>");
  }

  @Test
  void messageIdFallsBackToALocalDomainWhenFromHasNone() {
    assertThat(MessageFactory.messageId("n1", "noreply")).isEqualTo("<n1@notifier.local>");
    assertThat(MessageFactory.messageId("n1", "noreply@")).isEqualTo("<n1@notifier.local>");
  }

  @Test
  void headersCarryFromRecipientAndSentDate() throws Exception {
    MimeMessage message = MessageFactory.build(session, notification().build(), FROM);

    assertThat(message.getFrom()).extracting(Object::toString).containsExactly(FROM);
    assertThat(message.getAllRecipients()).extracting(Object::toString).containsExactly("Alice <alice@example.com>");
    assertThat(message.getSentDate().toInstant()).isEqualTo(CREATED);
    assertThat(message.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
  }

  @Test
  void crOrLfInTheSubjectIsRefusedAsAMessageError() {
    Notification n = notification().setSubject("Hello\r\nBcc: everyone@example.com").build();

    assertThatThrownBy(() -> MessageFactory.build(session, n, FROM))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.step()).isEqualTo("message");
          assertThat(e.reply()).isNull();
        })
        .hasMessageContaining("subject")
        .hasMessageContaining("CR or LF");
  }

  @Test
  void crLfInTheNotificationIdCannotInjectAHeaderThroughTheMessageId() {
    // the attack: a record whose id ends the Message-ID line and starts a Bcc of its own
    Notification n = notification().setNotificationId("x@y>\r\nBcc: everyone@example.com\r\nX-A: <z").build();

    assertThatThrownBy(() -> MessageFactory.build(session, n, FROM))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.step()).isEqualTo("message"))
        .hasMessageContaining("Message-ID contains CR or LF");
  }

  @Test
  void crLfInTheAccountsFromIsRefused() {
    assertThatThrownBy(() -> MessageFactory.build(session, notification().build(), FROM + "\r\nBcc: x@example.com"))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.step()).isEqualTo("message"))
        .hasMessageContaining("from contains CR or LF");
  }

  @Test
  void lfInTheRecipientNameIsRefused() {
    Notification n = notification()
        .setRecipient(Recipient.newBuilder().setEmail("alice@example.com").setName("Alice\nBcc: x@example.com").build())
        .build();

    assertThatThrownBy(() -> MessageFactory.build(session, n, FROM))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.step()).isEqualTo("message"))
        .hasMessageContaining("recipient name");
  }

  @Test
  void invalidRecipientAddressIsAMessageError() {
    Notification n = notification()
        .setRecipient(Recipient.newBuilder().setEmail("alice at example dot com <").build())
        .build();

    assertThatThrownBy(() -> MessageFactory.build(session, n, FROM))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.step()).isEqualTo("message"));
  }

  @Test
  void chineseSubjectIsRfc2047EncodedAsUtf8() throws Exception {
    String subject = "缺陷 42 已分配给你";
    MimeMessage message = MessageFactory.build(session, notification().setSubject(subject).build(), FROM);

    String raw = message.getHeader("Subject")[0];
    assertThat(raw).startsWith("=?UTF-8?").doesNotContain("缺陷");
    assertThat(MimeUtility.decodeText(raw)).isEqualTo(subject);
    assertThat(message.getSubject()).isEqualTo(subject);
    assertThat(written(message)).contains("Subject: =?UTF-8?").doesNotContain("缺陷");
  }

  @Test
  void htmlBodyMakesAMultipartAlternativeWithTextFirst() throws Exception {
    Notification n = notification().setHtmlBody("<p>Bug <b>42</b> is yours now.</p>").build();

    MimeMessage message = MessageFactory.build(session, n, FROM);

    assertThat(message.getContentType()).startsWith("multipart/alternative");
    MimeMultipart multipart = (MimeMultipart) message.getContent();
    assertThat(multipart.getCount()).isEqualTo(2);
    assertThat(multipart.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(multipart.getBodyPart(0).getContent()).isEqualTo("Bug 42 is yours now.");
    assertThat(multipart.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(multipart.getBodyPart(1).getContent()).isEqualTo("<p>Bug <b>42</b> is yours now.</p>");
  }

  @Test
  void theMultipartAsWrittenToTheWireReadsBackAsItsBodies() throws Exception {
    Notification n = notification().setTextBody("Grüße: Bug 42 is yours now.")
        .setHtmlBody("<p>缺陷 <b>42</b> is yours now.</p>").build();
    java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();

    MessageFactory.build(session, n, FROM).writeTo(wire);

    MimeMessage read = new MimeMessage(session, new java.io.ByteArrayInputStream(wire.toByteArray()));
    MimeMultipart multipart = (MimeMultipart) read.getContent();
    assertThat(multipart.getCount()).isEqualTo(2);
    assertThat(multipart.getBodyPart(0).getContent()).isEqualTo("Grüße: Bug 42 is yours now.");
    assertThat(multipart.getBodyPart(1).getContent()).isEqualTo("<p>缺陷 <b>42</b> is yours now.</p>");
  }

  @Test
  void mailForSendGridCarriesTheIdAsAUniqueArgumentAndOtherMailDoesNot() throws Exception {
    Notification n = notification().build();

    MimeMessage sendGrid = MessageFactory.build(session, n, FROM, null, true);
    MimeMessage relay = MessageFactory.build(session, n, FROM, null, false);

    String header = sendGrid.getHeader(SendGridArgs.HEADER, null);
    assertThat(header).isNotNull().doesNotContain("\r", "\n");
    assertThat(new ObjectMapper().readTree(header).path("unique_args").path(SendGridArgs.NOTIFICATION_ID).asText())
        .isEqualTo(n.getNotificationId());
    assertThat(relay.getHeader(SendGridArgs.HEADER)).isNull();
  }

  private static final UnsubscribeTokens TOKENS = new UnsubscribeTokens(
      "k3y-0f-at-least-thirty-two-bytes-for-hmac".getBytes(StandardCharsets.UTF_8));
  private static final UnsubscribeLinks LINKS = new UnsubscribeLinks(
      new UnsubscribeSettings("https://mail.notifier.test", "UNSUB_KEY"), TOKENS);

  @Test
  void oneClickUnsubscribeHeadersNameTheTemplateAndNoAddressWhenConfigured() throws Exception {
    MimeMessage message = MessageFactory.build(session, notification().build(), FROM, null, false, LINKS);

    String link = message.getHeader("List-Unsubscribe", null);
    assertThat(link).startsWith("<https://mail.notifier.test/unsubscribe/").endsWith(">")
        .doesNotContain("alice", "example.com", "\r", "\n");
    assertThat(message.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
    String token = link.substring("<https://mail.notifier.test/unsubscribe/".length(), link.length() - 1);
    assertThat(TOKENS.verify(token)).contains(new UnsubscribeTokens.Claim("6f1c2a4e-0c9b-3d55-9a57-2f0b1d8e7c11",
        "bug-assigned", "alice@example.com"));
    // one header line each on the wire: nothing folded into, or injected after, the link
    assertThat(written(message).lines().filter(l -> l.startsWith("List-Unsubscribe"))).hasSize(2);
  }

  @Test
  void noUnsubscribeHeadersWithoutTheSectionNorOnCriticalMail() throws Exception {
    MimeMessage plain = MessageFactory.build(session, notification().build(), FROM, null, false, null);
    MimeMessage critical = MessageFactory.build(session, notification().setPriority(Priority.CRITICAL).build(), FROM,
        null, false, LINKS);

    for (MimeMessage m : new MimeMessage[] {plain, critical}) {
      assertThat(m.getHeader("List-Unsubscribe")).isNull();
      assertThat(m.getHeader("List-Unsubscribe-Post")).isNull();
    }
  }

  private static String written(MimeMessage message) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
