package dev.notifier.cli.feedback;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.cli.management.Health;
import dev.notifier.feedback.imap.BounceMailbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code notifier bounces} tells its management endpoint: each pass over the bounce mailbox as
 * counters — {@code notifier_bounces_messages_read_total}, {@code notifier_bounces_reports_read_total},
 * {@code notifier_bounces_messages_unparsed_total} (read, but no report: an out-of-office reply, a
 * format not recognised; they stay in the mailbox for a person), {@code
 * notifier_bounces_feedback_written_total{kind}} and {@code notifier_bounces_passes_failed_total} —
 * and its health: ready once a pass has read the mailbox, and while the last one did; not ready,
 * with the reason, while the mailbox cannot be read. Live throughout: a restart does not fix a
 * mailbox password.
 */
final class BouncePasses implements Health {

  static final String MESSAGES = "notifier.bounces.messages.read";
  static final String REPORTS = "notifier.bounces.reports.read";
  static final String UNPARSED = "notifier.bounces.messages.unparsed";
  static final String FEEDBACK = "notifier.bounces.feedback.written";
  static final String FAILED = "notifier.bounces.passes.failed";

  private final Counter messages;
  private final Counter reports;
  private final Counter unparsed;
  private final Counter failed;
  private final Map<FeedbackKind, Counter> feedback = new EnumMap<>(FeedbackKind.class);
  private volatile Status ready = Status.down("the bounce mailbox has not been read yet");

  BouncePasses(MeterRegistry registry) {
    messages = Counter.builder(MESSAGES).description("messages read from the bounce mailbox").register(registry);
    reports = Counter.builder(REPORTS).description("bounce and complaint reports recognised").register(registry);
    unparsed = Counter.builder(UNPARSED).description("messages read that are no report the reader recognises")
        .register(registry);
    failed = Counter.builder(FAILED).description("passes that could not read the bounce mailbox").register(registry);
    for (FeedbackKind kind : FeedbackKind.values()) {
      feedback.put(kind, Counter.builder(FEEDBACK).tag("kind", kind.name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .description("feedback records written to notifier.feedback from the bounce mailbox").register(registry));
    }
  }

  void passed(BounceMailbox.Pass pass) {
    messages.increment(pass.messages());
    reports.increment(pass.reports());
    unparsed.increment(pass.messages() - pass.reports());
    for (Feedback f : pass.feedback()) {
      feedback.get(f.getKind()).increment();
    }
    ready = Status.up();
  }

  /** A pass that could not read the mailbox; {@code why} names no secret (the password is never in it). */
  void failed(String why) {
    failed.increment();
    ready = Status.down(why);
  }

  @Override
  public Status live() {
    return Status.up();
  }

  @Override
  public Status ready() {
    return ready;
  }
}
