package dev.notifier.streams.render;

/**
 * The most a rendered mail may weigh: subject, text and HTML together, {@value #MAX_BYTES} bytes in
 * UTF-8. A notification is a Kafka record on the send topic, and a record past the broker's
 * {@code max.message.bytes} (1 MiB by default) cannot be written — with exactly-once, such a write
 * fails the task, and the same event failed it again on every restart. An event field is rendered
 * into the text and again into the HTML, so a 900 KB event is well past 1 MiB once rendered. Half a
 * MiB leaves room for the record's other fields and its headers, and is still some hundred times a
 * usual notification; a mail server would take more, but a notification that long is a mistake
 * upstream, not something to read. Past the limit the candidate is SKIPPED with reason
 * {@code too-large}, the size and the limit in the detail.
 */
public final class MailSize {

  public static final int MAX_BYTES = 512 * 1024;

  private MailSize() {
  }

  /**
   * Returns {@code rendered} when it is within the limit.
   *
   * @throws RenderException with reason {@code too-large}, the size and the limit
   */
  public static Rendered check(Rendered rendered, String template) {
    long chars = length(rendered.subject()) + length(rendered.text()) + length(rendered.html());
    // a char is at most 3 bytes in UTF-8 (a surrogate pair, 2 chars, is 4): a usual mail needs no counting
    if (chars * 3 <= MAX_BYTES) {
      return rendered;
    }
    long bytes = utf8Length(rendered.subject()) + utf8Length(rendered.text()) + utf8Length(rendered.html());
    if (bytes > MAX_BYTES) {
      throw new RenderException("too-large", "template " + template + " rendered " + bytes + " bytes of mail, over "
          + "the limit of " + MAX_BYTES + ": the event carries a field far longer than a notification can show; "
          + "shorten it upstream (send a link to the full text instead)");
    }
    return rendered;
  }

  private static long length(String s) {
    return s == null ? 0 : s.length();
  }

  /** The UTF-8 length of {@code s}, counted without encoding it. */
  static long utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1; // a lone surrogate: the encoder writes '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
