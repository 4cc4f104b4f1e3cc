package dev.notifier.cli.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the time arguments of the operator tools: durations ({@code 90s}, {@code 2h}, {@code PT2H}) and instants. */
public final class TimeArgs {

  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private TimeArgs() {
  }

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d} or ISO-8601 {@code PT2H}. */
  public static Duration duration(String option, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": return Duration.ofMillis(n);
        case "s": return Duration.ofSeconds(n);
        case "m": return Duration.ofMinutes(n);
        case "h": return Duration.ofHours(n);
        default: return Duration.ofDays(n);
      }
    }
    try {
      return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new OpsException(option + " '" + text + "' is not a duration: use e.g. 30s, 15m, 2h, 7d or PT2H");
    }
  }

  /**
   * A point in time: an ISO instant ({@code 2026-11-21T10:00:00Z}) or a duration meaning that long
   * before {@code now} ({@code 2h} = two hours ago).
   */
  public static Instant instant(String option, String text, Instant now) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(duration(option, text));
      } catch (OpsException notADuration) {
        throw new OpsException(option + " '" + text + "' is neither an instant nor a duration: use e.g. "
            + "2026-11-21T10:00:00Z or 2h (two hours ago)");
      }
    }
  }

  /** A time range from {@code --since} to {@code --until}; either bound null when not given. */
  public record Range(Instant from, Instant to) {
  }

  /** The range of {@code --since} and {@code --until} (each as {@link #instant}); refused unless since is before until. */
  public static Range range(String since, String until, Instant now) {
    Instant from = instant("--since", since, now);
    Instant to = instant("--until", until, now);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new OpsException("--since " + since + " (" + from + ") is not before --until " + until + " (" + to
          + "): swap them or widen the range");
    }
    return new Range(from, to);
  }
}
