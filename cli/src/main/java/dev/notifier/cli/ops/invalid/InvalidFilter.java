package dev.notifier.cli.ops.invalid;

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
