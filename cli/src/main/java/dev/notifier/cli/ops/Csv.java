package dev.notifier.cli.ops;

import java.util.List;
import java.util.stream.Collectors;

/**
 * RFC 4180 CSV lines: a field with a comma, quote, CR or LF is quoted, quotes doubled.
 *
 * <p>The fields come from mail servers and upstream systems (reply texts, subjects, event ids), and
 * a spreadsheet runs a cell that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a
 * CR as a formula ({@code =HYPERLINK(...)}, {@code =cmd|...}): such a field is written with a
 * leading apostrophe, which spreadsheets show as text (OWASP's "CSV injection" advice). Every field
 * is treated so; none of the export's own values (times, counts, positions) starts that way.
 */
public final class Csv {

  /** The first characters that make a spreadsheet read a cell as a formula. */
  private static final String FORMULA_START = "=+-@\t\r";

  private Csv() {
  }

  public static String line(List<String> fields) {
    return fields.stream().map(Csv::field).collect(Collectors.joining(","));
  }

  static String field(String raw) {
    if (raw == null) {
      return "";
    }
    String value = FORMULA_START.indexOf(raw.isEmpty() ? 'x' : raw.charAt(0)) >= 0 ? "'" + raw : raw;
    if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      return '"' + value.replace("\"", "\"\"") + '"';
    }
    return value;
  }
}
