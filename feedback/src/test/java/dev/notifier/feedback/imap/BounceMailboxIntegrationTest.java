package dev.notifier.feedback.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One pass over a real IMAP mailbox on loopback (GreenMail) holding the whole report corpus of
 * {@code ReportCorpusTest}: what comes out is the corpus's feedback, and no message is flagged seen
 * before the sink has taken its feedback — a sink that fails (the broker is down) leaves every message
 * unseen, so the next pass reads them all again; after a pass that succeeded there is nothing left.
 */
class BounceMailboxIntegrationTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-21T12:00:00Z");
  private static final List<String> CORPUS = List.of("rfc3464-failed.eml", "postfix-user-unknown.eml",
      "postfix-delayed-mailbox-full.eml", "exim-user-unknown.eml", "exchange-recipient-not-found.eml",
      "gmail-address-not-found.eml", "qq-mailbox-not-found.eml", "netease-163-user-not-found.eml", "arf-abuse.eml",
      "arf-not-spam.eml", "postfix-policy-refused-and-relayed.eml", "out-of-office.eml",
      "dsn-base64-encoded-status.eml", "dsn-blank-lines-with-spaces.eml");

  private GreenMail imap;
  private MailboxSettings settings;

  @BeforeEach
  void start() throws Exception {
    imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    imap.start();
    GreenMailUser mailbox = imap.setUser("bounces@notifier.test", "bounces", "imap-secret");
    for (String file : CORPUS) {
      try (InputStream in = BounceMailboxIntegrationTest.class.getResourceAsStream("/reports/" + file)) {
        assertThat(in).as(file).isNotNull();
        mailbox.deliver(new MimeMessage(Session.getInstance(new Properties()), in));
      }
    }
    Path password = Files.createTempFile("imap", ".secret");
    Files.writeString(password, "imap-secret");
    settings = new MailboxSettings("127.0.0.1", imap.getImap().getPort(), "none", "bounces", null,
        password.toString(), null, null);
  }

  @AfterEach
  void stop() {
    imap.stop();
  }

  @Test
  void aPassWhoseFeedbackTheBrokerDidNotTakeLeavesEveryMessageForTheNextPass() throws Exception {
    BounceMailbox mailbox = new BounceMailbox(settings, Clock.fixed(RECEIVED, ZoneOffset.UTC));

    assertThatThrownBy(() -> mailbox.drain(feedback -> {
      throw new IllegalStateException("the broker did not acknowledge the feedback");
    })).hasMessageContaining("did not acknowledge");

    List<Feedback> taken = new ArrayList<>();
    BounceMailbox.Pass pass = mailbox.drain(taken::addAll);
    assertThat(pass.messages()).as("every message still unseen after the failed pass").isEqualTo(CORPUS.size());
    assertThat(pass.reports()).as("all but the out-of-office reply are reports").isEqualTo(CORPUS.size() - 1);
    assertThat(taken).extracting(Feedback::getAddress, Feedback::getKind).containsExactlyInAnyOrder(
        tuple("louisl@larry.slip.umd.edu", FeedbackKind.SOFT_BOUNCE),
        tuple("gone@example.org", FeedbackKind.HARD_BOUNCE),
        tuple("full@example.net", FeedbackKind.SOFT_BOUNCE),
        tuple("nobody@example.com", FeedbackKind.HARD_BOUNCE),
        tuple("former.employee@contoso.example", FeedbackKind.HARD_BOUNCE),
        tuple("nobody.here@gmail.com", FeedbackKind.HARD_BOUNCE),
        tuple("departed@qq.com", FeedbackKind.HARD_BOUNCE),
        tuple("nouser@163.com", FeedbackKind.HARD_BOUNCE),
        tuple("complainer@example.net", FeedbackKind.COMPLAINT),
        tuple("left.company@example.com", FeedbackKind.HARD_BOUNCE),
        tuple("no.such.user@example.net", FeedbackKind.HARD_BOUNCE));
    assertThat(taken).extracting(Feedback::getSource).containsOnly("imap:bounces@127.0.0.1/INBOX");

    assertThat(mailbox.drain(feedback -> { }).messages()).as("nothing unseen after a pass that succeeded").isZero();
  }
}
