package dev.notifier.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.avro.Preferences;
import dev.notifier.avro.QuietHours;
import dev.notifier.schemas.InvalidRecordException;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code preferences} object of a JSON user and checks what the policy stage will rely on,
 * so that {@code notifier publish --kind users} refuses a bad line instead of the topology guessing:
 *
 * <pre>
 * "timeZone": "Europe/Berlin",
 * "preferences": {
 *   "quietHours": [{"days": ["MON","TUE","WED","THU","FRI"], "start": "22:00", "end": "08:00"}],
 *   "digests": {"bug": "daily", "story.*": "none"},
 *   "dailyCap": 20
 * }
 * </pre>
 */
final class UserPreferences {

  /** The digest choices a user has; see the README's "Policies". */
  static final Set<String> DIGEST_CHOICES = Set.of("none", "rule", "daily", "weekly");
  static final Set<String> DAYS = Set.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

  private UserPreferences() {
  }

  static Preferences of(JsonNode json) {
    if (!json.isObject()) {
      throw wrong("preferences", "an object with quietHours, digests and dailyCap");
    }
    return Preferences.newBuilder()
        .setQuietHours(json.has("quietHours") && !json.get("quietHours").isNull() ? quietHours(json.get("quietHours"))
            : null)
        .setDigests(digests(json.get("digests")))
        .setDailyCap(dailyCap(json.get("dailyCap")))
        .build();
  }

  /** The IANA zone id as given, or null; anything Java cannot resolve is refused. */
  static String zone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) {
      return null;
    }
    try {
      ZoneId.of(timeZone.strip());
      return timeZone.strip();
    } catch (DateTimeException e) {
      throw new InvalidRecordException("wrong-type", "field 'timeZone' is '" + timeZone
          + "', not an IANA time zone; use e.g. Europe/Berlin or Asia/Shanghai");
    }
  }

  private static List<QuietHours> quietHours(JsonNode array) {
    if (!array.isArray()) {
      throw wrong("preferences.quietHours", "an array of {days, start, end}");
    }
    List<QuietHours> spans = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String path = "preferences.quietHours[" + i + "]";
      JsonNode span = array.get(i);
      if (!span.isObject()) {
        throw wrong(path, "an object {days, start, end}");
      }
      List<String> days = new ArrayList<>();
      for (String day : JsonRecords.strings(span, "days")) {
        String d = day.strip().toUpperCase(Locale.ROOT);
        if (!DAYS.contains(d)) {
          throw wrong(path + ".days", "weekdays among MON, TUE, WED, THU, FRI, SAT, SUN, not '" + day + "'");
        }
        days.add(d);
      }
      spans.add(QuietHours.newBuilder().setDays(days).setStart(time(span, path + ".start", "start"))
          .setEnd(time(span, path + ".end", "end")).build());
    }
    return spans;
  }

  private static String time(JsonNode span, String path, String field) {
    String value = JsonRecords.text(span, field, path);
    try {
      LocalTime.parse(value);
      return value;
    } catch (DateTimeParseException e) {
      throw wrong(path, "a local time HH:mm such as 22:00, not '" + value + "'");
    }
  }

  private static Map<String, String> digests(JsonNode node) {
    Map<String, String> digests = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return digests;
    }
    if (!node.isObject()) {
      throw wrong("preferences.digests", "an object of template id or event-type glob -> " + DIGEST_CHOICES);
    }
    node.properties().forEach(e -> {
      String choice = e.getValue().asText().strip().toLowerCase(Locale.ROOT);
      if (!DIGEST_CHOICES.contains(choice)) {
        throw wrong("preferences.digests." + e.getKey(), "one of " + DIGEST_CHOICES + ", not '"
            + e.getValue().asText() + "'");
      }
      digests.put(e.getKey(), choice);
    });
    return digests;
  }

  private static Integer dailyCap(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 0) {
      throw wrong("preferences.dailyCap", "a whole number of mails a day, 0 for no cap, not '" + node + "'");
    }
    return node.asInt();
  }

  private static InvalidRecordException wrong(String field, String expected) {
    return new InvalidRecordException("wrong-type", "field '" + field + "' must be " + expected);
  }
}
