package dev.notifier.feedback.dsn;

import dev.notifier.avro.FeedbackKind;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a reported recipient's action, status and diagnostic say about the address: an ordered
 * table, first match wins. The order carries meaning:
 *
 * <ol>
 *   <li>only {@code failed} and {@code delayed} recipients are feedback ({@code delivered},
 *       {@code relayed}, {@code expanded} are not);
 *   <li>a permanent failure about the address (5.1.x bad address or domain, 5.2.1 disabled, 5.2.2
 *       full for good, 5.4.4 no route to the domain) is a hard bounce — as the worker's own table
 *       classes the same replies at RCPT;
 *   <li>Exim and many small MTAs say only {@code 5.0.0}: then the diagnostic's text decides
 *       (unknown user, no such mailbox, and the Chinese wording of QQ and 163);
 *   <li>other permanent failures (5.7.x policy and spam, 5.3.x system, 5.6.x content) say something
 *       about the message or the sender, not the person: no feedback;
 *   <li>a {@code failed} with a 4.x status (Postfix's queue lifetime ran out) and a {@code delayed}
 *       4.2.x (mailbox full for now) are soft bounces; other delays are not.
 * </ol>
 */
final class BounceRules {

  private static final Pattern USER_UNKNOWN = Pattern.compile("(?i)user unknown|unknown user|no such (user|mailbox|"
      + "recipient)|mailbox (not found|unavailable|does not exist)|recipient not found|does not exist|invalid "
      + "(recipient|mailbox|address)|address rejected|用户不存在|不存在|地址无效|帐号不存在|账号不存在");

  record Row(String action, String statusPrefix, Pattern text, FeedbackKind kind) {
    boolean matches(String a, String status, String diagnostic) {
      return action.equals(a) && status.startsWith(statusPrefix)
          && (text == null || (diagnostic != null && text.matcher(diagnostic).find()));
    }
  }

  private static final List<Row> ROWS = List.of(
      new Row("failed", "5.1.", null, FeedbackKind.HARD_BOUNCE),
      new Row("failed", "5.2.1", null, FeedbackKind.HARD_BOUNCE),
      new Row("failed", "5.2.2", null, FeedbackKind.HARD_BOUNCE),
      new Row("failed", "5.4.4", null, FeedbackKind.HARD_BOUNCE),
      new Row("failed", "5.0.0", USER_UNKNOWN, FeedbackKind.HARD_BOUNCE),
      new Row("failed", "5.", null, null),
      new Row("failed", "4.", null, FeedbackKind.SOFT_BOUNCE),
      new Row("delayed", "4.2.", null, FeedbackKind.SOFT_BOUNCE));

  private BounceRules() {
  }

  /** The feedback kind, if any, of a recipient reported with {@code action}, {@code status} and {@code diagnostic}. */
  static Optional<FeedbackKind> of(String action, String status, String diagnostic) {
    String a = action == null ? "" : action.strip().toLowerCase(Locale.ROOT);
    String s = status == null ? "" : status.strip();
    return ROWS.stream().filter(r -> r.matches(a, s, diagnostic)).findFirst().map(Row::kind);
  }
}
