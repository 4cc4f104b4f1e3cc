package dev.notifier.streams.expand;

import dev.notifier.avro.Group;
import dev.notifier.avro.internal.Candidate;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/** A group candidate joined with its directory entry ({@code null} when the group is unknown). */
public record GroupExpansion(Candidate candidate, Group group) {

  /** The members as user candidates keyed by user id, or the group itself skipped as unknown. */
  public List<KeyValue<String, Candidate>> members(String groupId, RecipientPolicy policy) {
    if (group == null) {
      return List.of(KeyValue.pair(groupId, policy.unknownGroup(candidate)));
    }
    return RecipientExpander.members(candidate, group.getMembers());
  }
}
