package dev.notifier.streams.expand;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.internal.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;

/**
 * Lists the possible recipients an event names, one {@link Candidate} per party and role, keyed
 * for the directory lookup that resolves it: by user id, by group id, or (for a direct address)
 * by the address itself. Several roles naming one person yield several candidates; dedup later
 * keeps one.
 */
public final class RecipientExpander {

  /** Candidates naming a directory user, keyed by user id. */
  public List<KeyValue<String, Candidate>> users(String key, DomainEvent event) {
    return select(event, p -> p.getUserId() != null, Party::getUserId);
  }

  /** Candidates naming a group, keyed by group id, to be expanded into its members. */
  public List<KeyValue<String, Candidate>> groups(String key, DomainEvent event) {
    return select(event, p -> p.getGroupId() != null, Party::getGroupId);
  }

  /** Candidates given by address, which bypass the directory; keyed by the address. */
  public List<KeyValue<String, Candidate>> direct(String key, DomainEvent event) {
    return select(event, p -> p.getEmail() != null, Party::getEmail);
  }

  /** The members of a group as user candidates, keyed by user id. */
  public static List<KeyValue<String, Candidate>> members(Candidate groupCandidate, List<String> members) {
    List<KeyValue<String, Candidate>> out = new ArrayList<>(members.size());
    for (String member : members) {
      Candidate c = Candidate.newBuilder(groupCandidate).setUserId(member).build();
      out.add(KeyValue.pair(member, c));
    }
    return out;
  }

  private List<KeyValue<String, Candidate>> select(DomainEvent event, Predicate<Party> kind,
      java.util.function.Function<Party, String> keyOf) {
    List<KeyValue<String, Candidate>> out = new ArrayList<>();
    addRole(out, event, event.getTo(), "to", kind, keyOf);
    addRole(out, event, event.getCc(), "cc", kind, keyOf);
    return out;
  }

  private void addRole(List<KeyValue<String, Candidate>> out, DomainEvent event, List<Party> parties,
      String role, Predicate<Party> kind, java.util.function.Function<Party, String> keyOf) {
    for (Party party : parties) {
      if (kind.test(party)) {
        out.add(KeyValue.pair(keyOf.apply(party), candidate(event, party, role)));
      }
    }
  }

  private static Candidate candidate(DomainEvent event, Party party, String role) {
    return Candidate.newBuilder()
        .setEvent(event)
        .setRole(party.getGroupId() != null ? "group:" + party.getGroupId() : party.getEmail() != null ? "direct" : role)
        .setUserId(party.getUserId())
        .setEmail(party.getEmail())
        .setName(party.getName())
        .setTemplate(event.getType())
        .build();
  }
}
