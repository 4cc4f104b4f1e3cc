package dev.notifier.schemas;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The VERP return path that ties a bounce to its notification: {@code <name>+<notification id>@<domain>},
 * made from an account's {@code returnPath} template such as {@code bounces+{id}@bounces.example.com}.
 * The sender worker writes it as the SMTP envelope sender (MAIL FROM), so a bounce is addressed to it
 * even when the returned original lost every header; the bounce reader finds the id in it again.
 * Both sides use this class, so what is read is exactly what is written.
 *
 * <p>The shape is strict: the id comes right after a '+' and right before the '@', in a local part
 * of letters, digits, '.', '_' and '-' — the plus-addressing (subaddressing) most mail servers
 * deliver to the mailbox before the '+', and the part a reader can find without guessing.
 */
public final class VerpAddress {

  /** Where a template puts the notification id. */
  public static final String PLACEHOLDER = "{id}";
  /** A template to copy into an error message. */
  public static final String EXAMPLE = "bounces+{id}@bounces.example.com";

  private static final String LOCAL = "[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*";
  private static final String DOMAIN = "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]";
  private static final Pattern TEMPLATE = Pattern.compile("(" + LOCAL + ")\\+\\{id\\}@(.*)");
  private static final Pattern HOST = Pattern.compile(DOMAIN);
  private static final Pattern FOUND = Pattern.compile("[^\\s<>@+\"]+\\+(" + NotificationIds.ID.pattern() + ")@",
      Pattern.CASE_INSENSITIVE);

  private VerpAddress() {
  }

  /**
   * What is wrong with {@code template}, in words for an error message (naming the fix); null when
   * it is a usable template.
   */
  public static String problem(String template) {
    if (template == null || template.isBlank()) {
      return "it is empty: leave it out (the envelope sender is then the from address) or set it to " + EXAMPLE;
    }
    int count = (template.length() - template.replace(PLACEHOLDER, "").length()) / PLACEHOLDER.length();
    if (count != 1) {
      return "it must contain " + PLACEHOLDER + " exactly once, where the notification id goes (it contains it "
          + count + " times): use e.g. " + EXAMPLE;
    }
    Matcher m = TEMPLATE.matcher(template.strip());
    if (!m.matches()) {
      return "it must have the shape <name>+" + PLACEHOLDER + "@<domain> (a name of letters, digits, '.', '_' or '-', "
          + "then +" + PLACEHOLDER + " right before the @), which the bounce reader recognises: use e.g. " + EXAMPLE;
    }
    if (!HOST.matcher(m.group(2)).matches()) {
      return "its domain '" + m.group(2) + "' is not a host name such as bounces.example.com: use a domain whose MX "
          + "delivers to the bounce mailbox";
    }
    return null;
  }

  /**
   * The return path for notification {@code notificationId} by {@code template} (which
   * {@link #problem} accepts); null when the id is not one {@link NotificationIds} makes (a
   * benchmark's, say), which could not be read back: such mail keeps the from address as envelope sender.
   */
  public static String forNotification(String template, String notificationId) {
    if (!NotificationIds.isId(notificationId)) {
      return null;
    }
    return template.strip().replace(PLACEHOLDER, notificationId);
  }

  /** The notification id of the first VERP address in {@code text} (e.g. a bounce's To); null when there is none. */
  public static String notificationIdIn(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = FOUND.matcher(text);
    return m.find() ? m.group(1) : null;
  }
}
