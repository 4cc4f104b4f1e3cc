package dev.notifier.cli.ops.backlog;

import java.time.Instant;
import java.util.List;

/**
 * One consumer group of the notifier as the cluster sees it now: who is in it, and how far each topic it reads is
 * behind.
 *
 * @param role which of the notifier's groups it is
 * @param group its id
 * @param state the coordinator's state of the group ({@code Stable}, {@code PreparingRebalance}, {@code Empty}…)
 * @param members its members, each with the partitions it owns
 * @param topics the backlog of each topic it has committed offsets on
 */
public record GroupBacklog(Role role, String group, String state, List<Member> members, List<TopicBacklog> topics) {

  /** Which of the notifier's groups it is; {@code label} as a person reads it. */
  public enum Role {
    STREAMS_APP("streams app"), WORKERS("workers");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The state of a group the coordinator does not know: nothing ever joined it or committed under its id. */
  public static final String NO_SUCH_GROUP = "no such group";

  /** A member: its client id, the host it connects from, and the partitions it owns, as {@code topic-partition}. */
  public record Member(String clientId, String host, List<String> partitions) {
  }

  /**
   * How far a group is behind on one topic.
   *
   * @param lag records after the group's committed offsets, up to what readers may see (transactions committed)
   * @param partitionsBehind how many of the topic's partitions have any
   * @param uncommitted partitions without a committed offset (the group has never read them)
   * @param oldestWaiting when the oldest record not yet processed was published; null when nothing waits, or when
   *     it could not be read
   * @param oldestUnknown why the oldest waiting record could not be read (no READ grant on the topic: an SRE sees
   *     how much waits, not the mail); null when it was, or nothing waits
   */
  public record TopicBacklog(String topic, long lag, int partitionsBehind, int uncommitted, Instant oldestWaiting,
      String oldestUnknown) {
  }
}
