package dev.notifier.cli.ops;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for a terminal: a header row, left-aligned columns two spaces apart. Cells come
 * from mail servers and upstream systems, so each is cleaned of escape sequences and control
 * characters ({@link TerminalText}) before it is measured or printed.
 */
public final class TextTable {

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(List<String> header) {
    this.header = List.copyOf(header);
  }

  public TextTable row(List<String> cells) {
    if (cells.size() != header.size()) {
      throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
    }
    rows.add(cells.stream().map(c -> c == null ? "" : TerminalText.clean(c)).toList());
    return this;
  }

  public void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    line(out, header, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      sb.append(cells.get(i));
      if (i < cells.size() - 1) {
        sb.append(" ".repeat(widths[i] - cells.get(i).length() + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }

  /** {@code text}, cleaned for the terminal, cut to {@code max} characters, with an ellipsis when cut. */
  public static String cut(String raw, int max) {
    String text = TerminalText.clean(raw);
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, max - 1) + "…";
  }
}
