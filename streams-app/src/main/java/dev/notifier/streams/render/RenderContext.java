package dev.notifier.streams.render;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.avro.internal.Candidate;
import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the map a template renders against (documented on {@link TemplateRenderer}). Every
 * documented key is always present, with a null value when the event has nothing for it, so that
 * the strict lookup can tell "absent from the event" (fine, a section renders nothing) from
 * "misspelled in the template" (an error).
 */
final class RenderContext {

  static final String DEFAULT_DATE_PATTERN = "yyyy-MM-dd HH:mm O";

  private RenderContext() {
  }

  /** Localized texts and formats of one locale (the locale the template was found in). */
  record LocaleResources(String tag, Map<String, String> messages, DateTimeFormatter dateFormat) {

    static LocaleResources of(String tag, Map<String, String> messages) {
      String pattern = messages.getOrDefault("format.occurredAt", DEFAULT_DATE_PATTERN);
      return new LocaleResources(tag, messages, DateTimeFormatter.ofPattern(pattern, Locale.forLanguageTag(tag)));
    }

    String text(String key, String fallback) {
      String text = messages.get(key);
      return text == null || text.isBlank() ? fallback : text;
    }
  }

  static Map<String, Object> of(Candidate candidate, LocaleResources res) {
    DomainEvent event = candidate.getEvent();
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("event", map("eventId", event.getEventId(), "type", event.getType(),
        "source", event.getSource(), "team", event.getTeam()));
    ctx.put("subject", subject(event.getSubject()));
    ctx.put("actor", actor(event.getActor()));
    ctx.put("recipient", recipient(candidate));
    ctx.put("action", action(event.getType(), candidate.getRole(), res));
    ctx.put("roleText", roleText(event.getType(), candidate.getRole(), res));
    ctx.put("occurredAt", res.dateFormat().format(event.getOccurredAt().atZone(zone(candidate.getTimeZone()))));
    ctx.put("attributes", new HashMap<>(event.getAttributes()));
    ctx.put("sourceName", sourceName(event.getSource(), res));
    ctx.put("kindName", res.text("kind." + event.getSubject().getKind(), event.getSubject().getKind()));
    return ctx;
  }

  private static Map<String, Object> subject(Subject s) {
    return map("kind", s.getKind(), "id", s.getId(), "title", s.getTitle(), "url", safeUrl(s.getUrl()));
  }

  private static Map<String, Object> actor(Party actor) {
    if (actor == null) {
      return map("userId", null, "name", null, "email", null, "display", null);
    }
    return map("userId", actor.getUserId(), "name", actor.getName(), "email", actor.getEmail(),
        "display", firstNonBlank(actor.getName(), actor.getUserId(), actor.getEmail()));
  }

  private static Map<String, Object> recipient(Candidate c) {
    return map("userId", c.getUserId(), "name", c.getName(), "email", c.getEmail(), "role", c.getRole(),
        "display", firstNonBlank(c.getName(), c.getEmail(), c.getUserId()));
  }

  /**
   * The phrase for the event type: {@code action.<type>.<role kind>} (e.g. "assigned to you" for
   * the assignee of bug.assigned), else {@code action.<type>}, else the type itself.
   */
  private static String action(String type, String role, LocaleResources res) {
    return res.text("action." + type + "." + roleKind(role), res.text("action." + type, type));
  }

  /**
   * {@code role.<event type>.<role kind>} (e.g. the test owner of build.submitted), else
   * {@code role.<role kind>}, else {@code role.other}; {@code {group}} and {@code {role}} filled in.
   */
  private static String roleText(String type, String role, LocaleResources res) {
    String kind = roleKind(role);
    String group = role.startsWith("group:") ? role.substring("group:".length()) : "";
    String text = res.text("role." + type + "." + kind, res.text("role." + kind, res.text("role.other", role)));
    return text.replace("{group}", group).replace("{role}", role);
  }

  private static String roleKind(String role) {
    int colon = role.indexOf(':');
    return colon < 0 ? role : role.substring(0, colon);
  }

  private static String sourceName(String source, LocaleResources res) {
    if (source == null || source.isBlank()) {
      return res.text("source.default", "notifier");
    }
    return res.text("source." + source.toLowerCase(Locale.ROOT), source);
  }

  /** The recipient's zone; UTC when none is known or the directory holds something unparseable. */
  private static ZoneId zone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) {
      return ZoneOffset.UTC;
    }
    try {
      return ZoneId.of(timeZone.strip());
    } catch (DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }

  /**
   * Only http(s) links reach a template: an event carrying {@code javascript:} or {@code data:}
   * would otherwise put a live script link into the HTML body (escaping does not help inside href).
   */
  static String safeUrl(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      String scheme = URI.create(url.strip()).getScheme();
      return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          ? url.strip() : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** A map that keeps null values (Map.of does not). */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
