package dev.notifier.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Party;
import dev.notifier.avro.Subject;
import dev.notifier.avro.User;
import dev.notifier.schemas.InvalidRecordException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON form of events and directory records (the shapes in the README) into the Avro
 * classes. Unknown fields are ignored so that upstream systems can add fields freely; a missing
 * or mistyped required field is an {@link InvalidRecordException} that names it.
 */
public final class JsonRecords {

  private JsonRecords() {
  }

  public static DomainEvent event(JsonNode json) {
    requireObject(json, "event");
    return DomainEvent.newBuilder()
        .setEventId(text(json, "eventId"))
        .setType(text(json, "type"))
        .setSource(optionalText(json, "source", ""))
        .setTeam(optionalText(json, "team", null))
        .setOccurredAt(instant(json, "occurredAt"))
        .setActor(json.hasNonNull("actor") ? party(json.get("actor"), "actor") : null)
        .setSubject(subject(json))
        .setTo(parties(json, "to"))
        .setCc(parties(json, "cc"))
        .setOwner(json.hasNonNull("owner") ? party(json.get("owner"), "owner") : null)
        .setAttributes(attributes(json))
        .build();
  }

  public static User user(JsonNode json) {
    requireObject(json, "user");
    return User.newBuilder()
        .setUserId(text(json, "userId"))
        .setEmail(optionalText(json, "email", null))
        .setDisplayName(optionalText(json, "displayName", null))
        .setLocale(optionalText(json, "locale", null))
        .setTimeZone(UserPreferences.zone(optionalText(json, "timeZone", null)))
        .setActive(!json.has("active") || json.get("active").asBoolean(true))
        .setOptOut(strings(json, "optOut"))
        .setPreferences(json.hasNonNull("preferences") ? UserPreferences.of(json.get("preferences")) : null)
        .build();
  }

  public static Group group(JsonNode json) {
    requireObject(json, "group");
    return Group.newBuilder()
        .setGroupId(text(json, "groupId"))
        .setMembers(strings(json, "members"))
        .build();
  }

  private static Subject subject(JsonNode json) {
    JsonNode subject = json.get("subject");
    if (subject == null || !subject.isObject()) {
      throw missing("subject", "an object with kind and id");
    }
    return Subject.newBuilder()
        .setKind(text(subject, "kind", "subject.kind"))
        .setId(text(subject, "id", "subject.id"))
        .setTitle(optionalText(subject, "title", ""))
        .setUrl(optionalText(subject, "url", null))
        .build();
  }

  private static List<Party> parties(JsonNode json, String field) {
    JsonNode array = json.get(field);
    List<Party> parties = new ArrayList<>();
    if (array == null || array.isNull()) {
      return parties;
    }
    if (!array.isArray()) {
      throw new InvalidRecordException("wrong-type", "field '" + field + "' must be an array of parties");
    }
    for (int i = 0; i < array.size(); i++) {
      parties.add(party(array.get(i), field + "[" + i + "]"));
    }
    return parties;
  }

  private static Party party(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new InvalidRecordException("wrong-type", "field '" + path + "' must be an object");
    }
    Party party = Party.newBuilder()
        .setUserId(optionalText(node, "userId", null))
        .setGroupId(optionalText(node, "groupId", null))
        .setEmail(optionalText(node, "email", null))
        .setName(optionalText(node, "name", null))
        .build();
    int named = (party.getUserId() != null ? 1 : 0) + (party.getGroupId() != null ? 1 : 0)
        + (party.getEmail() != null ? 1 : 0);
    if (named != 1) {
      throw new InvalidRecordException("bad-party",
          "field '" + path + "' must name exactly one of userId, groupId or email, but names " + named);
    }
    return party;
  }

  private static Map<String, String> attributes(JsonNode json) {
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode node = json.get("attributes");
    if (node == null || node.isNull()) {
      return attributes;
    }
    if (!node.isObject()) {
      throw new InvalidRecordException("wrong-type", "field 'attributes' must be an object of strings");
    }
    node.properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
    return attributes;
  }

  static List<String> strings(JsonNode json, String field) {
    List<String> values = new ArrayList<>();
    JsonNode array = json.get(field);
    if (array == null || array.isNull()) {
      return values;
    }
    if (!array.isArray()) {
      throw new InvalidRecordException("wrong-type", "field '" + field + "' must be an array of strings");
    }
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static Instant instant(JsonNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      throw missing(field, "an ISO-8601 instant such as 2026-11-21T10:00:00Z");
    }
    if (node.isNumber()) {
      return Instant.ofEpochMilli(node.asLong());
    }
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException("wrong-type", "field '" + field + "' is '" + node.asText()
          + "', not an ISO-8601 instant such as 2026-11-21T10:00:00Z");
    }
  }

  private static String text(JsonNode json, String field) {
    return text(json, field, field);
  }

  static String text(JsonNode json, String field, String path) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull() || !node.isValueNode() || node.asText().isBlank()) {
      throw missing(path, "a non-empty string");
    }
    return node.asText();
  }

  private static String optionalText(JsonNode json, String field, String fallback) {
    JsonNode node = json.get(field);
    return node == null || node.isNull() ? fallback : node.asText();
  }

  private static void requireObject(JsonNode json, String what) {
    if (json == null || !json.isObject()) {
      throw new InvalidRecordException("not-an-object", "a JSON " + what + " must be an object");
    }
  }

  private static InvalidRecordException missing(String field, String expected) {
    return new InvalidRecordException("missing-field",
        "required field '" + field + "' is missing or empty; expected " + expected);
  }
}
