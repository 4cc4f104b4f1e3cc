package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.TerminalText;
import dev.notifier.cli.ops.TopicReader;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.parse.ParseProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of {@code notifier.events.invalid}: the event's bytes as they were published, with its key, its
 * timestamp (when the upstream published it) and its headers, and the reason the topology gave in its
 * {@code notifier.error.*} headers.
 *
 * @param headers the record's other headers, the upstream's own and a republication's, in order
 */
public record InvalidEvent(int partition, long offset, Instant publishedAt, String key, String error, String message,
    byte[] value, List<Header> headers) {

  /** An invalid record without the error headers (written by something else than the topology). */
  static final String NO_ERROR = "unknown";
  /** Oldest publication first; by position among events published in the same millisecond. */
  public static final Comparator<InvalidEvent> BY_PUBLICATION = Comparator.comparing(InvalidEvent::publishedAt)
      .thenComparingInt(InvalidEvent::partition).thenComparingLong(InvalidEvent::offset);

  private static final String ERROR_PREFIX = "notifier.error.";

  /** Passes each record of the invalid topic of {@code topics}, to its end, to {@code each}: nothing is kept. */
  public static void forEach(TopicReader reader, Topics topics, Consumer<InvalidEvent> each) {
    reader.read(topics.invalidEvents().name(), r -> each.accept(of(r)));
  }

  /**
   * The invalid events that {@code filter} takes, oldest publication first, all held at once: for what a person
   * names ({@code show}, {@code republish}); a listing keeps only the newest ({@link Newest}).
   */
  public static List<InvalidEvent> read(TopicReader reader, Topics topics, InvalidFilter filter) {
    List<InvalidEvent> events = new ArrayList<>();
    forEach(reader, topics, e -> {
      if (filter.matches(e)) {
        events.add(e);
      }
    });
    events.sort(BY_PUBLICATION);
    return events;
  }

  static InvalidEvent of(ConsumerRecord<String, byte[]> r) {
    List<Header> others = new ArrayList<>();
    for (Header h : r.headers()) {
      if (!h.key().startsWith(ERROR_PREFIX)) {
        others.add(h);
      }
    }
    String error = header(r, ParseProcessor.REASON_HEADER);
    return new InvalidEvent(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), r.key(),
        error == null ? NO_ERROR : error, header(r, ParseProcessor.MESSAGE_HEADER),
        r.value() == null ? new byte[0] : r.value(), List.copyOf(others));
  }

  /** Where it is on the invalid topic, {@code partition:offset}, as {@code --at} takes it. */
  public String position() {
    return partition + ":" + offset;
  }

  /** How often this event was republished before it was filed invalid this time (its {@link Republisher} header). */
  public int republished() {
    for (int i = headers.size() - 1; i >= 0; i--) {
      if (headers.get(i).key().equals(Republisher.COUNT_HEADER)) {
        try {
          return Integer.parseInt(new String(headers.get(i).value(), StandardCharsets.UTF_8).strip());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  /** The value as text when it is UTF-8, else null. */
  public String text() {
    return utf8(value);
  }

  /** {@code bytes} as text when they are UTF-8, else null. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** A line's worth of the value, safe for a terminal: its text, or "binary" with its first bytes in hex. */
  public String preview(int max) {
    String text = text();
    if (text != null) {
      return TerminalText.clean(text.length() > max ? text.substring(0, max) + "…" : text);
    }
    int bytes = Math.max(1, (max - 8) / 3); // "binary:" and " xx" a byte
    StringBuilder hex = new StringBuilder("binary:");
    for (int i = 0; i < Math.min(value.length, bytes); i++) {
      hex.append(' ').append(String.format("%02x", value[i] & 0xFF));
    }
    return hex.append(value.length > bytes ? " …" : "").toString();
  }

  /** The first {@code max} bytes of the value as a hex dump, 16 bytes a line, each led by its offset. */
  public List<String> hexDump(int max) {
    List<String> lines = new ArrayList<>();
    int shown = Math.min(value.length, max);
    for (int i = 0; i < shown; i += 16) {
      StringBuilder line = new StringBuilder(String.format("%08x ", i));
      for (int j = i; j < Math.min(i + 16, shown); j++) {
        line.append(String.format(" %02x", value[j] & 0xFF));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
