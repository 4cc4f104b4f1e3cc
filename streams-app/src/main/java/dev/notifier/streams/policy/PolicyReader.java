package dev.notifier.streams.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.avro.Priority;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the policy parts of the rules file — a rule's {@code priority}, {@code expiresAfter},
 * {@code digest}, {@code quietHours}, {@code capped}, {@code overCap}, {@code recipient} and the
 * file's {@code defaults} — and notes every problem, each naming the key, the value and the fix
 * (the caller refuses the file with all of them at once). See the README's "Policies".
 */
public final class PolicyReader {

  /** The policy keys a rule may carry besides events, notify, template and notifyActor. */
  public static final Set<String> RULE_KEYS = Set.of("priority", "expiresAfter", "digest", "quietHours", "capped",
      "overCap", "recipient");
  private static final Set<String> RECIPIENT_KEYS = Set.of("timeZone", "quietHours", "dailyCap", "digestAt",
      "weeklyOn");
  private static final Set<String> DIGEST_KEYS = Set.of("mode", "every", "gap", "max", "at", "on", "maxItems",
      "flushFirst", "key", "template");
  private static final Set<String> DEFAULTS_KEYS = Set.of("expiresAfter", "recipient", "teams");
  private static final Set<String> PRIORITIES = Set.of("critical", "normal", "bulk");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");
  private static final Map<String, DayOfWeek> DAYS = Map.of("MON", DayOfWeek.MONDAY, "TUE", DayOfWeek.TUESDAY,
      "WED", DayOfWeek.WEDNESDAY, "THU", DayOfWeek.THURSDAY, "FRI", DayOfWeek.FRIDAY, "SAT", DayOfWeek.SATURDAY,
      "SUN", DayOfWeek.SUNDAY);

  private final String file;
  private final List<String> problems = new ArrayList<>();

  public PolicyReader(String file) {
    this.file = file;
  }

  /** Every problem noted so far, each a full sentence naming file, key, value and fix. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The policy of the rule at {@code path}; critical rules bypass digests, quiet hours and caps by default. */
  public RulePolicy rule(String path, JsonNode rule) {
    Priority priority = priority(path + ".priority", rule.get("priority"));
    boolean critical = priority == Priority.CRITICAL;
    JsonNode quiet = rule.get("quietHours");
    boolean respect = !critical;
    if (quiet != null && !quiet.isNull()) {
      String q = quiet.asText().strip().toLowerCase(Locale.ROOT);
      if (q.equals("respect") || q.equals("ignore")) {
        respect = q.equals("respect");
      } else {
        problem(path + ".quietHours", quiet, "use respect (hold mail in the recipient's quiet hours) or ignore");
      }
    }
    boolean capped = bool(path + ".capped", rule.get("capped"), !critical);
    OverCap overCap = OverCap.DIGEST;
    JsonNode over = rule.get("overCap");
    if (over != null && !over.isNull()) {
      try {
        overCap = OverCap.valueOf(over.asText().strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problem(path + ".overCap", over, "use digest (fold into the next digest) or skip (ledger: SKIPPED capped)");
      }
    }
    return new RulePolicy(priority, duration(path + ".expiresAfter", rule.get("expiresAfter")),
        digest(path + ".digest", rule.get("digest")), respect, capped, overCap,
        recipient(path + ".recipient", rule.get("recipient")));
  }

  /** The file's {@code defaults} section (absent: the built-in defaults). */
  public PolicyDefaults defaults(JsonNode node) {
    if (node == null || node.isNull()) {
      return PolicyDefaults.BUILT_IN;
    }
    if (!mapping("defaults", node, DEFAULTS_KEYS)) {
      return PolicyDefaults.BUILT_IN;
    }
    Map<Priority, Duration> expires = new EnumMap<>(PolicyDefaults.BUILT_IN.expiresAfter());
    JsonNode exp = node.get("expiresAfter");
    if (exp != null && mapping("defaults.expiresAfter", exp, PRIORITIES)) {
      exp.fields().forEachRemaining(e -> {
        Duration d = duration("defaults.expiresAfter." + e.getKey(), e.getValue());
        if (d != null && PRIORITIES.contains(e.getKey())) {
          expires.put(Priority.valueOf(e.getKey().toUpperCase(Locale.ROOT)), d);
        }
      });
    }
    Map<String, RecipientSettings> teams = new HashMap<>();
    JsonNode teamNode = node.get("teams");
    if (teamNode != null && mapping("defaults.teams", teamNode, null)) {
      teamNode.fields().forEachRemaining(e -> teams.put(e.getKey(),
          recipient("defaults.teams." + e.getKey(), e.getValue())));
    }
    return new PolicyDefaults(expires, recipient("defaults.recipient", node.get("recipient"))
        .orElse(RecipientSettings.BUILT_IN), teams);
  }

  private RecipientSettings recipient(String path, JsonNode node) {
    if (node == null || node.isNull() || !mapping(path, node, RECIPIENT_KEYS)) {
      return RecipientSettings.UNSET;
    }
    ZoneId zone = null;
    JsonNode tz = node.get("timeZone");
    if (tz != null) {
      try {
        zone = ZoneId.of(tz.asText().strip());
      } catch (DateTimeException e) {
        problem(path + ".timeZone", tz, "use an IANA time zone such as Europe/Berlin or Asia/Shanghai");
      }
    }
    Integer cap = null;
    JsonNode capNode = node.get("dailyCap");
    if (capNode != null) {
      if (capNode.isIntegralNumber() && capNode.asInt() >= 0) {
        cap = capNode.asInt();
      } else {
        problem(path + ".dailyCap", capNode, "use a whole number of mails per day, 0 for no cap");
      }
    }
    return new RecipientSettings(zone, quietHours(path + ".quietHours", node.get("quietHours")), cap,
        time(path + ".digestAt", node.get("digestAt")), weekday(path + ".weeklyOn", node.get("weeklyOn")));
  }

  private QuietHours quietHours(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      problem(path, node, "use a list of spans such as [{days: [MON, TUE], start: \"22:00\", end: \"08:00\"}]");
      return null;
    }
    List<QuietSpan> spans = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode span = node.get(i);
      if (!mapping(at, span, Set.of("days", "start", "end"))) {
        continue;
      }
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      JsonNode dayList = span.path("days");
      for (int d = 0; d < dayList.size(); d++) {
        DayOfWeek day = weekday(at + ".days[" + d + "]", dayList.get(d));
        if (day != null) {
          days.add(day);
        }
      }
      LocalTime start = time(at + ".start", span.get("start"));
      LocalTime end = time(at + ".end", span.get("end"));
      if (start == null || end == null) {
        problem(at, span, "give both start and end as HH:mm, e.g. start: \"22:00\", end: \"08:00\"");
      } else {
        spans.add(new QuietSpan(days, start, end));
      }
    }
    return new QuietHours(spans);
  }

  private DigestSpec digest(String path, JsonNode node) {
    if (node == null || node.isNull() || (node.isTextual() && node.asText().strip().equalsIgnoreCase("none"))) {
      return null;
    }
    if (!mapping(path, node, DIGEST_KEYS)) {
      return null;
    }
    DigestMode mode = null;
    JsonNode m = node.get("mode");
    try {
      mode = DigestMode.valueOf(m == null ? "" : m.asText().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(path + ".mode", m, "use fixed (every), idle (gap and max), daily (at) or weekly (on and at)");
    }
    Duration every = duration(path + ".every", node.get("every"));
    Duration gap = duration(path + ".gap", node.get("gap"));
    Duration max = duration(path + ".max", node.get("max"));
    if (mode == DigestMode.FIXED && every == null) {
      problem(path + ".every", node.get("every"), "a fixed digest needs every: the window, e.g. every: 10m");
    }
    if (mode == DigestMode.IDLE && (gap == null || max == null || gap.compareTo(max) > 0)) {
      problem(path + ".gap", node.get("gap"), "an idle digest needs gap and max with gap <= max, e.g. gap: 3m, max: 10m");
    }
    int maxItems = DigestSpec.MAX_ITEMS;
    JsonNode items = node.get("maxItems");
    if (items != null && !(items.isIntegralNumber() && items.asInt() >= 1 && items.asInt() <= DigestSpec.MAX_ITEMS)) {
      problem(path + ".maxItems", items, "use a whole number from 1 to " + DigestSpec.MAX_ITEMS);
    } else if (items != null) {
      maxItems = items.asInt();
    }
    DigestKey key = DigestKey.SUBJECT;
    JsonNode k = node.get("key");
    if (k != null) {
      try {
        key = DigestKey.valueOf(k.asText().strip().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        key = null;
      }
      if (key == null || key == DigestKey.OVER_CAP) {
        problem(path + ".key", k, "use subject (one digest per entity, e.g. Bug #42), template or event-type");
        key = DigestKey.SUBJECT;
      }
    }
    JsonNode template = node.get("template");
    if (template != null && !template.asText().startsWith(DigestSpec.DEFAULT_TEMPLATE)) {
      problem(path + ".template", template, "a digest template's id starts with 'digest' (it is rendered with the "
          + "digest's items); use digest or e.g. digest-weekly");
    }
    return mode == null ? null : new DigestSpec(mode, every, gap, max, time(path + ".at", node.get("at")),
        weekday(path + ".on", node.get("on")), maxItems, bool(path + ".flushFirst", node.get("flushFirst"), false),
        key, template == null ? DigestSpec.DEFAULT_TEMPLATE : template.asText());
  }

  private Priority priority(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return Priority.NORMAL;
    }
    try {
      return Priority.valueOf(node.asText().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(path, node, "use critical (bypasses digests, quiet hours and caps), normal or bulk");
      return Priority.NORMAL;
    }
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

  private LocalTime time(String path, JsonNode node) {
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

  private DayOfWeek weekday(String path, JsonNode node) {
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

  private boolean bool(String path, JsonNode node, boolean fallback) {
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
  private boolean mapping(String path, JsonNode node, Set<String> keys) {
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

  private void problem(String path, JsonNode value, String fix) {
    String shown = value == null ? "" : value.isValueNode() ? value.asText() : value.toString();
    problems.add(file + ": " + path + ": '" + shown + "' is not valid; " + fix);
  }
}
