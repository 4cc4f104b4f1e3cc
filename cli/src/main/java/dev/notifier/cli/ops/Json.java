package dev.notifier.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Locale;

/**
 * The JSON writer of the operator tools: one mapper, ISO instants written as text by the caller.
 *
 * <p>Its output often goes to a terminal, and its strings come from mail servers and upstream
 * systems. JSON escapes the C0 controls (ESC included) anyway; this writer escapes DEL, the C1
 * controls (U+0080–U+009F: the 8-bit CSI, OSC and DCS a terminal may act on) and the Unicode
 * bidirectional controls too, each as JSON escapes a character (a backslash, {@code u}, four hex
 * digits). A JSON reader gets the same string back.
 */
public final class Json {

  private static final ObjectMapper MAPPER = terminalSafe(new ObjectMapper());
  private static final ObjectMapper PRETTY = terminalSafe(new ObjectMapper()).enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {
  }

  /** One line (JSON Lines). */
  public static String line(Object value) {
    return write(MAPPER, value);
  }

  public static String pretty(Object value) {
    return write(PRETTY, value);
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper terminalSafe(ObjectMapper mapper) {
    mapper.getFactory().setCharacterEscapes(TerminalSafeEscapes.INSTANCE);
    return mapper;
  }

  /** The standard escapes, plus DEL, C1 and the bidirectional controls. */
  private static final class TerminalSafeEscapes extends CharacterEscapes {

    static final TerminalSafeEscapes INSTANCE = new TerminalSafeEscapes();
    private static final long serialVersionUID = 1L;

    private final int[] ascii;

    private TerminalSafeEscapes() {
      ascii = CharacterEscapes.standardAsciiEscapesForJSON();
      ascii[0x7F] = CharacterEscapes.ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      boolean c1 = ch >= 0x80 && ch <= 0x9F;
      boolean bidi = ch == 0x200E || ch == 0x200F || (ch >= 0x202A && ch <= 0x202E) || (ch >= 0x2066 && ch <= 0x2069);
      return c1 || bidi ? new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch)) : null;
    }
  }

  private static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }
}
