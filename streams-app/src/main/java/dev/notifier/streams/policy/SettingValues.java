package dev.notifier.streams.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scalar values of the rules file's policy settings — durations, local times, weekdays,
 * booleans, mappings of known keys — read leniently: a bad value is noted as a problem naming the
 * file, the key, the value and the fix, and reads as absent, so one pass finds every problem.
 */
final class SettingValues {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");
  private static final Map<String, DayOfWeek> DAYS = Map.of("MON", DayOfWeek.MONDAY, "TUE", DayOfWeek.TUESDAY,
      "WED", DayOfWeek.WEDNESDAY, "THU", DayOfWeek.THURSDAY, "FRI", DayOfWeek.FRIDAY, "SAT", DayOfWeek.SATURDAY,
      "SUN", DayOfWeek.SUNDAY);

  private final String file;
  private final List<String> problems = new ArrayList<>();

  SettingValues(String file) {
    this.file = file;
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  /** {@code 90s}, {@code 10m}, {@code 3h}, {@code 2d}, or ISO-8601 such as {@code PT10M}. */
  Duration duration(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = node.asText().strip();
    Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    Duration d = null;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text);
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isZero() || d.isNegative()) {
      problem(path, node, "use a positive duration such as 90s, 10m, 3h, 2d or PT10M");
      return null;
    }
    return d;
  }

  LocalTime time(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return LocalTime.parse(node.asText().strip());
    } catch (DateTimeParseException e) {
      problem(path, node, "use a local time HH:mm such as \"09:00\" (quoted: YAML reads 09:00 otherwise)");
      return null;
    }
  }

  DayOfWeek weekday(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return day(node.asText());
    } catch (IllegalArgumentException e) {
      problem(path, node, "use a weekday: MON, TUE, WED, THU, FRI, SAT or SUN (or the full English name)");
      return null;
    }
  }

  /** MON..SUN or MONDAY..SUNDAY, any case. */
  static DayOfWeek day(String text) {
    String d = text.strip().toUpperCase(Locale.ROOT);
    DayOfWeek short3 = DAYS.get(d);
    return short3 != null ? short3 : DayOfWeek.valueOf(d);
  }

  boolean bool(String path, JsonNode node, boolean fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      problem(path, node, "use true or false");
      return fallback;
    }
    return node.asBoolean();
  }

  /**
   * Whether {@code node} is a mapping (noted if not); a key not in {@code keys} (null: any key) is
   * noted too, and the rest of the mapping is still read, so one message lists every problem.
   */
  boolean mapping(String path, JsonNode node, Set<String> keys) {
    if (!node.isObject()) {
      problem(path, node, "use a mapping" + (keys == null ? "" : " with keys among " + keys));
      return false;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
      String key = it.next();
      if (keys != null && !keys.contains(key)) {
        problems.add(file + ": " + path + "." + key + " is not a known key; use one of " + new TreeSet<>(keys));
      }
    }
    return true;
  }

  void problem(String path, JsonNode value, String fix) {
    String shown = value == null ? "" : value.isValueNode() ? value.asText() : value.toString();
    problems.add(file + ": " + path + ": '" + shown + "' is not valid; " + fix);
  }
}
