package dev.notifier.streams.expand;

import java.util.List;

/**
 * What to do with events of the types a pattern matches: whom to notify, with which template,
 * and whether the actor is notified too (by default not: people know what they just did).
 * {@code digest} and {@code priority} are carried for the sender's later use.
 */
public record NotificationRule(Glob events, List<Role> roles, String template, boolean notifyActor, String digest,
    String priority) {

  public NotificationRule {
    roles = List.copyOf(roles);
  }

  public boolean includes(Role.Kind kind) {
    return roles.stream().anyMatch(r -> r.kind() == kind);
  }
}
