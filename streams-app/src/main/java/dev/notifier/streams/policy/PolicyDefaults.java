package dev.notifier.streams.policy;

import dev.notifier.avro.Priority;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The {@code defaults} section of the rules file: how long mail of each priority is worth sending,
 * and the recipient settings of everyone (complete) and of each team (partial).
 */
public record PolicyDefaults(Map<Priority, Duration> expiresAfter, RecipientSettings recipient,
    Map<String, RecipientSettings> teams) {

  /** Critical mail (a password reset) is useless after an hour; normal after three days; bulk after a week. */
  public static final PolicyDefaults BUILT_IN = new PolicyDefaults(Map.of(Priority.CRITICAL, Duration.ofHours(1),
      Priority.NORMAL, Duration.ofDays(3), Priority.BULK, Duration.ofDays(7)), RecipientSettings.BUILT_IN, Map.of());

  public PolicyDefaults {
    Map<Priority, Duration> all = new EnumMap<>(Priority.class);
    all.putAll(expiresAfter);
    expiresAfter = Map.copyOf(all);
    teams = Map.copyOf(teams);
  }

  public Duration expiresAfter(Priority priority) {
    return expiresAfter.get(priority);
  }

  /** The team's settings over everyone's. */
  public RecipientSettings forTeam(String team) {
    return team == null ? recipient : teams.getOrDefault(team, RecipientSettings.UNSET).orElse(recipient);
  }
}
