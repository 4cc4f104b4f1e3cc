package dev.notifier.streams.render;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Subject;
import dev.notifier.avro.internal.Candidate;
import java.util.regex.Pattern;

/**
 * A fixed plain-text rendering: the subject names the thing and what happened, the body adds
 * the link and attributes. Control characters are replaced in the subject so that no event
 * field can inject a header.
 */
public final class PlainRenderer implements Renderer {

  private static final Pattern HEADER_UNSAFE = Pattern.compile("[\\p{Cc}\\p{Zl}\\p{Zp}]");

  @Override
  public Rendered render(Candidate candidate) {
    DomainEvent event = candidate.getEvent();
    Subject s = event.getSubject();
    String subject = headerSafe(String.format("[%s] %s #%s %s (%s)",
        event.getSource().isEmpty() ? "notifier" : event.getSource(), s.getKind(), s.getId(), s.getTitle(),
        event.getType()));
    StringBuilder text = new StringBuilder();
    text.append("Hello ").append(candidate.getName() != null ? candidate.getName() : candidate.getEmail()).append(",\n\n");
    text.append(s.getKind()).append(" #").append(s.getId()).append(" \"").append(s.getTitle()).append("\": ")
        .append(event.getType());
    if (event.getActor() != null && event.getActor().getUserId() != null) {
      text.append(" by ").append(event.getActor().getUserId());
    }
    text.append(".\n");
    if (s.getUrl() != null) {
      text.append('\n').append(s.getUrl()).append('\n');
    }
    event.getAttributes().forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
    text.append("\nYou receive this as ").append(candidate.getRole()).append(".\n");
    return new Rendered(subject, text.toString(), null);
  }

  /**
   * Replaces every control character (CR and LF among them, and the C1 controls such as NEL) and
   * the Unicode line and paragraph separators with a space, so the value is one header line.
   */
  static String headerSafe(String value) {
    return HEADER_UNSAFE.matcher(value).replaceAll(" ").strip();
  }
}
