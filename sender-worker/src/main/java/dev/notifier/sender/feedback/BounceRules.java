package dev.notifier.sender.feedback;

import dev.notifier.avro.FeedbackKind;
import dev.notifier.sender.retry.Action;
import dev.notifier.sender.retry.Classification;
import java.util.List;
import java.util.Optional;

/**
 * Which of a worker's own failed attempts tell something about the recipient's address, and what:
 * an ordered table over the reply classification (see {@code ReplyRules}), first match wins.
 *
 * <ul>
 *   <li>every {@link Action#DEAD_RECIPIENT} (5.1.x unknown, 5.2.1 disabled, 5.2.2 full for good, 551, a
 *       5xx at RCPT) is a hard bounce;
 *   <li>a retried {@code mailbox-full} (4.2.2) or {@code mailbox-busy} (450) is a soft bounce: the
 *       mailbox exists but takes nothing now; enough of them suppress by the streams app's policy;
 *   <li>nothing else is about the address: rate limits, time-outs, account errors and refused content
 *       say something about the account or the message, and suppressing the person for them would be
 *       wrong.
 * </ul>
 */
public final class BounceRules {

  /** One row: an action and, if not null, a classification kind; the feedback kind it means, or none. */
  record Row(Action action, String kind, FeedbackKind feedback) {
    boolean matches(Classification c) {
      return c.action() == action && (kind == null || kind.equals(c.kind()));
    }
  }

  private static final List<Row> ROWS = List.of(
      new Row(Action.DEAD_RECIPIENT, null, FeedbackKind.HARD_BOUNCE),
      new Row(Action.RETRY, "mailbox-full", FeedbackKind.SOFT_BOUNCE),
      new Row(Action.RETRY, "mailbox-busy", FeedbackKind.SOFT_BOUNCE));

  private BounceRules() {
  }

  /** The feedback {@code c} gives about the recipient's address, if any. */
  public static Optional<FeedbackKind> of(Classification c) {
    return ROWS.stream().filter(r -> r.matches(c)).map(Row::feedback).findFirst();
  }
}
