package dev.notifier.bench;

import dev.notifier.avro.Notification;
import dev.notifier.avro.Priority;
import dev.notifier.avro.Recipient;
import java.time.Instant;

/**
 * The one message every delivery run sends, product and baselines alike: a subject, a plain-text
 * part and an HTML part, about 2 KB of body in all.
 */
final class MailContent {

  static final String FROM = "bench@notifier.local";
  static final String TO = "reader@example.com";
  static final String SUBJECT = "[zentao] Bug #42 Login fails on Safari — assigned";
  static final String TEXT = filler("Bug 42 was assigned to you. Steps: open the login page in Safari 17, enter valid "
      + "credentials, press Sign in; nothing happens. ", 1024);
  static final String HTML = "<html><body><p>" + filler("Bug <b>42</b> was assigned to you. Steps: open the login "
      + "page in Safari, sign in; nothing happens. ", 1000) + "</p></body></html>";

  private MailContent() {
  }

  private static String filler(String sentence, int length) {
    StringBuilder b = new StringBuilder(length + sentence.length());
    while (b.length() < length) {
      b.append(sentence);
    }
    return b.substring(0, length);
  }

  /** Notification {@code i} for {@code account}, with the shared content. */
  static Notification notification(String run, int i, String account) {
    return Notification.newBuilder().setPriority(Priority.NORMAL)
        .setNotificationId(run + "-" + i)
        .setEventId(run + "-event-" + i)
        .setEventType("bug.assigned")
        .setSource("bench")
        .setTemplate("bug")
        .setAccount(account)
        .setRecipient(Recipient.newBuilder().setEmail(TO).setUserId("reader").setRole("to").build())
        .setSubject(SUBJECT)
        .setTextBody(TEXT)
        .setHtmlBody(HTML)
        .setCreatedAt(Instant.now())
        .build();
  }
}
