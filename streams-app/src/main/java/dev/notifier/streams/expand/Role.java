package dev.notifier.streams.expand;

import java.util.Locale;

/**
 * Who a rule notifies: the event's {@code to}, {@code cc} or {@code owner} parties; {@code groups},
 * which expands the groups named in those parties; or the user or group ids held in an event
 * attribute ({@code user-attribute:reviewer}, {@code group-attribute:project}).
 */
public record Role(Kind kind, String attribute) {

  /** The kinds of role. */
  public enum Kind { TO, CC, OWNER, GROUPS, USER_ATTRIBUTE, GROUP_ATTRIBUTE }

  public static Role parse(String text) {
    String value = text == null ? "" : text.trim();
    int colon = value.indexOf(':');
    String head = (colon < 0 ? value : value.substring(0, colon)).toLowerCase(Locale.ROOT);
    String attr = colon < 0 ? null : value.substring(colon + 1).trim();
    switch (head) {
      case "to":
      case "cc":
      case "owner":
      case "groups":
        if (attr == null) {
          return new Role(Kind.valueOf(head.toUpperCase(Locale.ROOT)), null);
        }
        break;
      case "user-attribute":
      case "group-attribute":
        if (attr != null && !attr.isEmpty()) {
          return new Role(head.startsWith("user") ? Kind.USER_ATTRIBUTE : Kind.GROUP_ATTRIBUTE, attr);
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException("role '" + text + "' is unknown: use to, cc, owner, groups, "
        + "user-attribute:NAME or group-attribute:NAME");
  }

  /** The role name written on candidates, e.g. {@code to} or {@code attribute:reviewer}. */
  public String label() {
    return attribute == null ? kind.name().toLowerCase(Locale.ROOT) : "attribute:" + attribute;
  }
}
