package dev.notifier.feedback.imap;

import dev.notifier.avro.Feedback;
import dev.notifier.feedback.dsn.ReportReader;
import dev.notifier.feedback.dsn.ReportReading;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * One pass over the bounce mailbox: every message not yet seen is read into feedback
 * ({@link ReportReader}), the feedback handed to the sink (which writes it to Kafka and returns only
 * once the broker has it), and only then are the messages flagged seen. A crash in between reads them
 * again: feedback is written at least once, and a suppression written twice is the same suppression.
 * A message that is no report is flagged seen too and counted, so a person can look at it in the
 * mailbox.
 */
public final class BounceMailbox {

  /** What one pass read. */
  public record Pass(int messages, int reports, List<Feedback> feedback) {
  }

  private final MailboxSettings settings;
  private final ReportReader reader;
  private final Clock clock;

  public BounceMailbox(MailboxSettings settings, Clock clock) {
    this.settings = settings;
    this.reader = new ReportReader(settings.source());
    this.clock = clock;
  }

  public Pass drain(Consumer<List<Feedback>> sink) throws MessagingException {
    Store store = Session.getInstance(properties()).getStore(settings.security().equals("ssl") ? "imaps" : "imap");
    store.connect(settings.host(), settings.port(), settings.username(), settings.password());
    try {
      Folder folder = store.getFolder(settings.folder());
      folder.open(Folder.READ_WRITE);
      try {
        Message[] unseen = folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
        List<Feedback> feedback = new ArrayList<>();
        int reports = 0;
        for (Message m : unseen) {
          ReportReading reading = read(m);
          reports += reading.format().equals("not-a-report") ? 0 : 1;
          feedback.addAll(reading.feedback());
        }
        sink.accept(feedback);
        if (unseen.length > 0) {
          folder.setFlags(unseen, new Flags(Flags.Flag.SEEN), true);
        }
        return new Pass(unseen.length, reports, feedback);
      } finally {
        folder.close(false);
      }
    } finally {
      store.close();
    }
  }

  private ReportReading read(Message m) throws MessagingException {
    try {
      // parsed from a local copy of the server's message (fetched with peek: not flagged seen yet)
      return reader.read(new MimeMessage((MimeMessage) m), clock.instant());
    } catch (IOException | RuntimeException e) {
      return new ReportReading("unreadable: " + e.getMessage(), List.of());
    }
  }

  private Properties properties() {
    Properties p = new Properties();
    String proto = settings.security().equals("ssl") ? "imaps" : "imap";
    p.put("mail." + proto + ".connectiontimeout", "10000");
    p.put("mail." + proto + ".timeout", "30000");
    // fetch without setting \\Seen: a message is flagged seen only once its feedback is in Kafka
    p.put("mail." + proto + ".peek", "true");
    if (settings.security().equals("starttls")) {
      p.put("mail.imap.starttls.enable", "true");
      p.put("mail.imap.starttls.required", "true");
    }
    if (!settings.security().equals("none")) {
      p.put("mail." + proto + ".ssl.checkserveridentity", "true");
    }
    return p;
  }
}
