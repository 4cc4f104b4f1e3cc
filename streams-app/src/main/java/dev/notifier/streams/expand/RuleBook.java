package dev.notifier.streams.expand;

import dev.notifier.streams.policy.PolicyDefaults;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notification rules, and the choice among them: of the rules whose pattern matches an event
 * type, an exact pattern wins, then the one with the most literal characters; on a tie, the one
 * listed first. An event type no rule matches is not an error: its event is SKIPPED as
 * {@code no-rule}. The book also holds the file's policy defaults (per priority, for everyone, per
 * team).
 */
public final class RuleBook {

  private final List<NotificationRule> rules;
  private final PolicyDefaults policyDefaults;
  private final ConcurrentHashMap<String, Optional<NotificationRule>> cache = new ConcurrentHashMap<>();

  public RuleBook(List<NotificationRule> rules) {
    this(rules, PolicyDefaults.BUILT_IN);
  }

  public RuleBook(List<NotificationRule> rules, PolicyDefaults policyDefaults) {
    this.rules = List.copyOf(rules);
    this.policyDefaults = policyDefaults;
  }

  public PolicyDefaults policyDefaults() {
    return policyDefaults;
  }

  public Optional<NotificationRule> ruleFor(String eventType) {
    return cache.computeIfAbsent(eventType, this::choose);
  }

  public List<NotificationRule> rules() {
    return rules;
  }

  private Optional<NotificationRule> choose(String eventType) {
    Comparator<NotificationRule> specificity = Comparator
        .comparing((NotificationRule r) -> r.events().isExact())
        .thenComparingInt(r -> r.events().specificity());
    NotificationRule best = null;
    for (NotificationRule rule : rules) {
      if (rule.events().matches(eventType) && (best == null || specificity.compare(rule, best) > 0)) {
        best = rule;
      }
    }
    return Optional.ofNullable(best);
  }
}
