package dev.notifier.streams.expand;

import dev.notifier.streams.policy.RulePolicy;
import java.util.List;

/**
 * What to do with events of the types a pattern matches: whom to notify, with which template,
 * and whether the actor is notified too (by default not: people know what they just did), and
 * the policy its mail is paced by (priority, expiry, digest, quiet hours, cap), which the policy
 * stage applies.
 */
public record NotificationRule(Glob events, List<Role> roles, String template, boolean notifyActor,
    RulePolicy policy) {

  public NotificationRule {
    roles = List.copyOf(roles);
  }

  public boolean includes(Role.Kind kind) {
    return roles.stream().anyMatch(r -> r.kind() == kind);
  }
}
