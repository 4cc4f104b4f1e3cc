package dev.notifier.cli.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.FeedbackKind;
import dev.notifier.cli.management.ProcessMetrics;
import dev.notifier.feedback.imap.BounceMailbox;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code notifier bounces} puts on its management endpoint: per-pass counters and readiness. */
class BouncePassesTest {

  private static Feedback feedback(FeedbackKind kind) {
    return Feedback.newBuilder().setAddress("gone@example.org").setKind(kind).setSource("imap:bounces@test")
        .setAt(Instant.parse("2026-11-21T10:00:00Z")).build();
  }

  @Test
  void eachPassIsCountedAndTheEndpointIsReadyOnlyWhileTheMailboxCanBeRead() {
    try (ProcessMetrics metrics = new ProcessMetrics()) {
      BouncePasses passes = new BouncePasses(metrics.registry());
      assertThat(passes.ready().ok()).isFalse();
      assertThat(passes.ready().reason()).isEqualTo("the bounce mailbox has not been read yet");

      passes.passed(new BounceMailbox.Pass(4, 3, List.of(feedback(FeedbackKind.HARD_BOUNCE),
          feedback(FeedbackKind.HARD_BOUNCE), feedback(FeedbackKind.COMPLAINT))));
      String text = metrics.scrape();
      assertThat(text).contains("notifier_bounces_messages_read_total 4.0")
          .contains("notifier_bounces_reports_read_total 3.0")
          .contains("notifier_bounces_messages_unparsed_total 1.0")
          .contains("notifier_bounces_feedback_written_total{kind=\"hard-bounce\"} 2.0")
          .contains("notifier_bounces_feedback_written_total{kind=\"complaint\"} 1.0")
          .contains("notifier_bounces_feedback_written_total{kind=\"soft-bounce\"} 0.0")
          .contains("notifier_bounces_passes_failed_total 0.0");
      assertThat(passes.ready().ok()).isTrue();

      passes.failed("imap:bounces@test cannot be read: connection refused");
      assertThat(metrics.scrape()).contains("notifier_bounces_passes_failed_total 1.0");
      assertThat(passes.ready().ok()).isFalse();
      assertThat(passes.ready().reason()).contains("connection refused");
      assertThat(passes.live().ok()).isTrue();
    }
  }
}
