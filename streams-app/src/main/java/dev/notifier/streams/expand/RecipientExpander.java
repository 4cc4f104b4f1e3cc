package dev.notifier.streams.expand;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.internal.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;

/**
 * Lists the possible recipients an event's rule names, one {@link Candidate} per party and role,
 * keyed for the directory lookup that resolves it: by user id, by group id, or (for a direct
 * address) by the address itself. Several roles naming one person yield several candidates;
 * dedup later keeps one. An event whose type has no rule yields none (see {@link #hasRule}).
 */
public final class RecipientExpander {

  private final RuleBook rules;

  public RecipientExpander(RuleBook rules) {
    this.rules = rules;
  }

  public boolean hasRule(DomainEvent event) {
    return rules.ruleFor(event.getType()).isPresent();
  }

  /** Candidates naming a directory user, keyed by user id. */
  public List<KeyValue<String, Candidate>> users(String key, DomainEvent event) {
    List<KeyValue<String, Candidate>> out = new ArrayList<>();
    rules.ruleFor(event.getType()).ifPresent(rule -> {
      select(out, event, rule, p -> p.getUserId() != null, Party::getUserId);
      attributeIds(out, event, rule, Role.Kind.USER_ATTRIBUTE, false);
    });
    return out;
  }

  /** Candidates naming a group, keyed by group id, to be expanded into its members. */
  public List<KeyValue<String, Candidate>> groups(String key, DomainEvent event) {
    List<KeyValue<String, Candidate>> out = new ArrayList<>();
    rules.ruleFor(event.getType()).ifPresent(rule -> {
      if (rule.includes(Role.Kind.GROUPS)) {
        select(out, event, rule, p -> p.getGroupId() != null, Party::getGroupId);
      }
      attributeIds(out, event, rule, Role.Kind.GROUP_ATTRIBUTE, true);
    });
    return out;
  }

  /** Candidates given by address, which bypass the directory; keyed by the address. */
  public List<KeyValue<String, Candidate>> direct(String key, DomainEvent event) {
    List<KeyValue<String, Candidate>> out = new ArrayList<>();
    rules.ruleFor(event.getType()).ifPresent(rule -> select(out, event, rule, p -> p.getEmail() != null,
        Party::getEmail));
    return out;
  }

  /** The members of a group as user candidates, keyed by user id. */
  public static List<KeyValue<String, Candidate>> members(Candidate groupCandidate, List<String> members) {
    List<KeyValue<String, Candidate>> out = new ArrayList<>(members.size());
    for (String member : members) {
      out.add(KeyValue.pair(member, Candidates.from(groupCandidate).setUserId(member).build()));
    }
    return out;
  }

  private static void select(List<KeyValue<String, Candidate>> out, DomainEvent event, NotificationRule rule,
      Predicate<Party> kind, Function<Party, String> keyOf) {
    for (Role role : rule.roles()) {
      for (Party party : parties(event, role.kind())) {
        if (kind.test(party)) {
          out.add(KeyValue.pair(keyOf.apply(party), candidate(event, rule, party, role.label())));
        }
      }
    }
  }

  private static List<Party> parties(DomainEvent event, Role.Kind kind) {
    switch (kind) {
      case TO:
        return event.getTo();
      case CC:
        return event.getCc();
      case OWNER:
        return Optional.ofNullable(event.getOwner()).map(List::of).orElse(List.of());
      default:
        return List.of();
    }
  }

  private static void attributeIds(List<KeyValue<String, Candidate>> out, DomainEvent event, NotificationRule rule,
      Role.Kind kind, boolean groups) {
    for (Role role : rule.roles()) {
      String value = role.kind() == kind ? event.getAttributes().get(role.attribute()) : null;
      if (value == null) {
        continue;
      }
      for (String id : value.split(",")) {
        String trimmed = id.trim();
        if (!trimmed.isEmpty()) {
          Party party = groups ? Party.newBuilder().setGroupId(trimmed).build()
              : Party.newBuilder().setUserId(trimmed).build();
          out.add(KeyValue.pair(trimmed, candidate(event, rule, party, role.label())));
        }
      }
    }
  }

  private static Candidate candidate(DomainEvent event, NotificationRule rule, Party party, String role) {
    return Candidate.newBuilder()
        .setEvent(event)
        .setRole(party.getGroupId() != null ? "group:" + party.getGroupId() : party.getEmail() != null ? "direct" : role)
        .setUserId(party.getUserId())
        .setEmail(party.getEmail())
        .setName(party.getName())
        .setTemplate(rule.template())
        .setNotifyActor(rule.notifyActor())
        .build();
  }
}
