package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.OpsException;
import java.time.Instant;
import java.util.Set;

/**
 * Which invalid events a command takes: by error (the topology's reason), record key, position on the topic and
 * publication time; an empty set or a null bound takes any.
 */
public record InvalidFilter(Set<String> errors, Set<String> keys, Set<String> positions, Instant since, Instant until) {

  public InvalidFilter {
    errors = Set.copyOf(errors);
    keys = Set.copyOf(keys);
    positions = Set.copyOf(positions);
  }

  /** Every invalid event. */
  public static InvalidFilter any() {
    return new InvalidFilter(Set.of(), Set.of(), Set.of(), null, null);
  }

  /** The invalid event at {@code position}, {@code partition:offset} (refused, saying how to write it, otherwise). */
  public static InvalidFilter at(String position) {
    return new InvalidFilter(Set.of(), Set.of(), Set.of(checkPosition(position)), null, null);
  }

  /** {@code position} when it is {@code partition:offset}; refused otherwise. */
  static String checkPosition(String position) {
    if (position == null || !position.matches("\\d+:\\d+")) {
      throw new OpsException(position + " is not a position on the invalid topic: write PARTITION:OFFSET, e.g. 0:17, "
          + "as notifier invalid list shows it");
    }
    return position;
  }

  public boolean matches(InvalidEvent e) {
    return (errors.isEmpty() || errors.contains(e.error()))
        && (keys.isEmpty() || keys.contains(e.key()))
        && (positions.isEmpty() || positions.contains(e.position()))
        && (since == null || !e.publishedAt().isBefore(since))
        && (until == null || e.publishedAt().isBefore(until));
  }

  public boolean isRestricted() {
    return !errors.isEmpty() || !keys.isEmpty() || !positions.isEmpty() || since != null || until != null;
  }
}
