package dev.notifier.streams.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.avro.Priority;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

  private final SettingValues values;

  public PolicyReader(String file) {
    this.values = new SettingValues(file);
  }

  /** Every problem noted so far, each a full sentence naming file, key, value and fix. */
  public List<String> problems() {
    return values.problems();
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
        values.problem(path + ".quietHours", quiet, "use respect (hold mail in the recipient's quiet hours) or ignore");
      }
    }
    boolean capped = values.bool(path + ".capped", rule.get("capped"), !critical);
    OverCap overCap = OverCap.DIGEST;
    JsonNode over = rule.get("overCap");
    if (over != null && !over.isNull()) {
      try {
        overCap = OverCap.valueOf(over.asText().strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        values.problem(path + ".overCap", over,
            "use digest (fold into the next digest) or skip (ledger: SKIPPED capped)");
      }
    }
    return new RulePolicy(priority, values.duration(path + ".expiresAfter", rule.get("expiresAfter")),
        digest(path + ".digest", rule.get("digest")), respect, capped, overCap,
        recipient(path + ".recipient", rule.get("recipient")));
  }

  /** The file's {@code defaults} section (absent: the built-in defaults). */
  public PolicyDefaults defaults(JsonNode node) {
    if (node == null || node.isNull()) {
      return PolicyDefaults.BUILT_IN;
    }
    if (!values.mapping("defaults", node, DEFAULTS_KEYS)) {
      return PolicyDefaults.BUILT_IN;
    }
    Map<Priority, Duration> expires = new EnumMap<>(PolicyDefaults.BUILT_IN.expiresAfter());
    JsonNode exp = node.get("expiresAfter");
    if (exp != null && values.mapping("defaults.expiresAfter", exp, PRIORITIES)) {
      exp.properties().forEach(e -> {
        Duration d = values.duration("defaults.expiresAfter." + e.getKey(), e.getValue());
        if (d != null && PRIORITIES.contains(e.getKey())) {
          expires.put(Priority.valueOf(e.getKey().toUpperCase(Locale.ROOT)), d);
        }
      });
    }
    Map<String, RecipientSettings> teams = new HashMap<>();
    JsonNode teamNode = node.get("teams");
    if (teamNode != null && values.mapping("defaults.teams", teamNode, null)) {
      teamNode.properties().forEach(e -> teams.put(e.getKey(),
          recipient("defaults.teams." + e.getKey(), e.getValue())));
    }
    return new PolicyDefaults(expires, recipient("defaults.recipient", node.get("recipient"))
        .orElse(RecipientSettings.BUILT_IN), teams);
  }

  private RecipientSettings recipient(String path, JsonNode node) {
    if (node == null || node.isNull() || !values.mapping(path, node, RECIPIENT_KEYS)) {
      return RecipientSettings.UNSET;
    }
    ZoneId zone = null;
    JsonNode tz = node.get("timeZone");
    if (tz != null) {
      try {
        zone = ZoneId.of(tz.asText().strip());
      } catch (DateTimeException e) {
        values.problem(path + ".timeZone", tz, "use an IANA time zone such as Europe/Berlin or Asia/Shanghai");
      }
    }
    Integer cap = null;
    JsonNode capNode = node.get("dailyCap");
    if (capNode != null) {
      if (capNode.isIntegralNumber() && capNode.asInt() >= 0) {
        cap = capNode.asInt();
      } else {
        values.problem(path + ".dailyCap", capNode, "use a whole number of mails per day, 0 for no cap");
      }
    }
    return new RecipientSettings(zone, quietHours(path + ".quietHours", node.get("quietHours")), cap,
        values.time(path + ".digestAt", node.get("digestAt")),
        values.weekday(path + ".weeklyOn", node.get("weeklyOn")));
  }

  private QuietHours quietHours(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      values.problem(path, node, "use a list of spans such as [{days: [MON, TUE], start: \"22:00\", end: \"08:00\"}]");
      return null;
    }
    List<QuietSpan> spans = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode span = node.get(i);
      if (!values.mapping(at, span, Set.of("days", "start", "end"))) {
        continue;
      }
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      JsonNode dayList = span.path("days");
      for (int d = 0; d < dayList.size(); d++) {
        DayOfWeek day = values.weekday(at + ".days[" + d + "]", dayList.get(d));
        if (day != null) {
          days.add(day);
        }
      }
      LocalTime start = values.time(at + ".start", span.get("start"));
      LocalTime end = values.time(at + ".end", span.get("end"));
      if (start == null || end == null) {
        values.problem(at, span, "give both start and end as HH:mm, e.g. start: \"22:00\", end: \"08:00\"");
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
    if (!values.mapping(path, node, DIGEST_KEYS)) {
      return null;
    }
    DigestMode mode = null;
    JsonNode m = node.get("mode");
    try {
      mode = DigestMode.valueOf(m == null ? "" : m.asText().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      values.problem(path + ".mode", m, "use fixed (every), idle (gap and max), daily (at) or weekly (on and at)");
    }
    Duration every = values.duration(path + ".every", node.get("every"));
    Duration gap = values.duration(path + ".gap", node.get("gap"));
    Duration max = values.duration(path + ".max", node.get("max"));
    if (mode == DigestMode.FIXED && every == null) {
      values.problem(path + ".every", node.get("every"), "a fixed digest needs every: the window, e.g. every: 10m");
    }
    if (mode == DigestMode.IDLE && (gap == null || max == null || gap.compareTo(max) > 0)) {
      values.problem(path + ".gap", node.get("gap"),
          "an idle digest needs gap and max with gap <= max, e.g. gap: 3m, max: 10m");
    }
    int maxItems = DigestSpec.MAX_ITEMS;
    JsonNode items = node.get("maxItems");
    if (items != null && !(items.isIntegralNumber() && items.asInt() >= 1 && items.asInt() <= DigestSpec.MAX_ITEMS)) {
      values.problem(path + ".maxItems", items, "use a whole number from 1 to " + DigestSpec.MAX_ITEMS);
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
        values.problem(path + ".key", k, "use subject (one digest per entity, e.g. Bug #42), template or event-type");
        key = DigestKey.SUBJECT;
      }
    }
    JsonNode template = node.get("template");
    if (template != null && !template.asText().startsWith(DigestSpec.DEFAULT_TEMPLATE)) {
      values.problem(path + ".template", template, "a digest template's id starts with 'digest' (it is "
          + "rendered with the digest's items); use digest or e.g. digest-weekly");
    }
    return mode == null ? null : new DigestSpec(mode, every, gap, max, values.time(path + ".at", node.get("at")),
        values.weekday(path + ".on", node.get("on")), maxItems,
        values.bool(path + ".flushFirst", node.get("flushFirst"), false),
        key, template == null ? DigestSpec.DEFAULT_TEMPLATE : template.asText());
  }

  private Priority priority(String path, JsonNode node) {
    if (node == null || node.isNull()) {
      return Priority.NORMAL;
    }
    try {
      return Priority.valueOf(node.asText().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      values.problem(path, node, "use critical (bypasses digests, quiet hours and caps), normal or bulk");
      return Priority.NORMAL;
    }
  }
}
