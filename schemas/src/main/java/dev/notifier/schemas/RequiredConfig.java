package dev.notifier.schemas;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One topic config the code depends on: its key, the value a new topic is created with, and how an
 * existing topic's value is judged — {@link Bound#EXACTLY} (a cleanup policy, compared as a set of
 * policies) or {@link Bound#AT_LEAST} (a retention in ms or bytes, where {@code -1} means unlimited
 * and so satisfies any bound).
 */
public record RequiredConfig(String key, String value, Bound bound) {

  private static final long HOUR_MS = 3_600_000L;

  /** How an existing topic's value is compared with {@link #value()}. */
  public enum Bound {
    /** The same value; comma-separated lists (cleanup.policy) as sets, case aside. */
    EXACTLY,
    /** A number at least as large; {@code -1} is unlimited, larger than any number. */
    AT_LEAST
  }

  static RequiredConfig exactly(String key, String value) {
    return new RequiredConfig(key, value, Bound.EXACTLY);
  }

  static RequiredConfig atLeast(String key, long value) {
    return new RequiredConfig(key, String.valueOf(value), Bound.AT_LEAST);
  }

  /** Whether a topic whose config {@link #key()} is {@code actual} (null: not set at all) meets this. */
  public boolean satisfiedBy(String actual) {
    if (actual == null) {
      return false;
    }
    if (bound == Bound.EXACTLY) {
      return words(actual).equals(words(value));
    }
    try {
      return atLeast(Long.parseLong(actual.trim()), Long.parseLong(value));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** What is wanted, for messages: {@code compact}, or {@code at least 172800000 (48 h)}. */
  public String describe() {
    if (bound == Bound.EXACTLY) {
      return value;
    }
    long wanted = Long.parseLong(value);
    return wanted < 0 ? "-1 (unlimited)" : "at least " + value + (key.endsWith(".ms") && wanted % HOUR_MS == 0 ? " (" + wanted / HOUR_MS + " h)" : "");
  }

  private static boolean atLeast(long actual, long wanted) {
    if (actual < 0) {
      return true;
    }
    return wanted >= 0 && actual >= wanted;
  }

  private static Set<String> words(String list) {
    return Arrays.stream(list.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

}
