package dev.notifier.cli.ops;

import java.util.regex.Pattern;

/**
 * Text from a mail server or an upstream system made safe to print on a terminal. A reply text or
 * an event field can carry escape sequences that recolour, retitle or clear an operator's terminal,
 * move the cursor to overwrite what was printed before, or (OSC 8, OSC 52) plant links and write the
 * clipboard. All of them are removed: ANSI/VT escape sequences (CSI, OSC, DCS and the like, in their
 * 7-bit and 8-bit forms), every other C0 and C1 control character and DEL, and the Unicode
 * bidirectional controls that make text display in another order than it reads. Line breaks and
 * tabs become one space, so a value stays on its line.
 */
public final class TerminalText {

  /** ESC or CSI (0x9B) sequences: CSI parameters and a final byte; OSC/DCS/SOS/PM/APC up to BEL or ST; two-byte escapes. */
  private static final Pattern ESCAPES = Pattern.compile(
      "(?:\\x1B\\[|\\x{9B})[\\x20-\\x3F]*[\\x40-\\x7E]?"
          + "|(?:\\x1B[\\]PX^_]|[\\x{90}\\x{98}\\x{9D}\\x{9E}\\x{9F}])[^\\x07\\x1B\\x{9C}]*(?:\\x07|\\x1B\\\\|\\x{9C})?"
          + "|\\x1B[\\x20-\\x2F]*[\\x30-\\x7E]?");
  private static final Pattern BREAKS = Pattern.compile("[\\r\\n\\t]+");
  private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x1F\\x7F\\x{80}-\\x{9F}\\x{200E}\\x{200F}"
      + "\\x{202A}-\\x{202E}\\x{2066}-\\x{2069}]");

  private TerminalText() {
  }

  /** {@code text} without escape sequences and control characters; null stays null. */
  public static String clean(String text) {
    if (text == null) {
      return null;
    }
    String noEscapes = ESCAPES.matcher(text).replaceAll("");
    return CONTROLS.matcher(BREAKS.matcher(noEscapes).replaceAll(" ")).replaceAll("");
  }
}
