package dev.notifier.streams.suppress;

import dev.notifier.avro.Priority;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.NotificationIds;
import dev.notifier.streams.expand.Candidates;
import dev.notifier.streams.expand.Glob;
import dev.notifier.streams.expand.NotificationRule;
import dev.notifier.streams.expand.RuleBook;
import dev.notifier.streams.expand.SkipReason;
import dev.notifier.streams.policy.RulePolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Skips a deliverable candidate whose address is on the suppression list, with reason
 * {@code suppressed} and a detail naming why and since when. It runs right after the directory
 * lookup, before dedup, so a suppressed address costs no dedup entry, policy state nor rendering,
 * and never reaches the send topic. A suppression that has expired, or that names categories the
 * candidate's template and event type are not in, does not apply; critical rules pass when the
 * policy exempts them. Candidates already skipped pass unchanged.
 */
public final class SuppressionCheck {

  private final RuleBook rules;
  private final boolean exemptCritical;
  private final Clock clock;

  public SuppressionCheck(RuleBook rules, boolean exemptCritical, Clock clock) {
    this.rules = rules;
    this.exemptCritical = exemptCritical;
    this.clock = clock;
  }

  /** The key a candidate's address is looked up by in the suppressions table ("" when it has none). */
  public static String lookupKey(Candidate c) {
    return c.getSkipReason() != null || c.getEmail() == null ? "" : NotificationIds.normalize(c.getEmail());
  }

  /** {@code c}, skipped if {@code suppression} (null: none) applies to it. */
  public Candidate apply(Candidate c, Suppression suppression) {
    if (suppression == null || c.getSkipReason() != null || !applies(suppression, c)) {
      return c;
    }
    if (exemptCritical && isCritical(c)) {
      return c;
    }
    return Candidates.from(c).setSkipReason(SkipReason.SUPPRESSED.code()).setSkipDetail(detail(suppression)).build();
  }

  private boolean applies(Suppression s, Candidate c) {
    Instant expiresAt = s.getExpiresAt();
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      return false;
    }
    List<String> categories = s.getCategories();
    if (categories.isEmpty()) {
      return true;
    }
    for (String category : categories) {
      if (category.equals(c.getTemplate()) || matchesEventType(category, c.getEvent().getType())) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesEventType(String category, String eventType) {
    try {
      return Glob.of(category).matches(eventType);
    } catch (IllegalArgumentException notAGlob) {
      return false;
    }
  }

  private boolean isCritical(Candidate c) {
    return rules.ruleFor(c.getEvent().getType()).map(NotificationRule::policy).orElse(RulePolicy.NORMAL)
        .priority() == Priority.CRITICAL;
  }

  private static String detail(Suppression s) {
    String what = s.getCategories().isEmpty() ? "" : " for " + String.join(", ", s.getCategories());
    String until = s.getExpiresAt() == null ? "" : " until " + s.getExpiresAt();
    return "address '" + s.getAddress() + "' is suppressed" + what + " (" + s.getReason().name()
        .toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " since " + s.getFirstSeen() + ", from "
        + s.getSource() + ")" + until + "; lift it with notifier suppressions remove " + s.getAddress();
  }
}
