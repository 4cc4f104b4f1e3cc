package dev.notifier.cli.console;

import com.github.mustachejava.util.HtmlEscaper;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Dead letters per hour, stacked by class, as an inline SVG (no script, no library). */
final class Chart {

  private static final String[] COLOURS = {"#cf222e", "#0969da", "#9a6700", "#8250df", "#1a7f37", "#57606a"};
  private static final int HEIGHT = 120;
  private static final int BAR = 18;

  private Chart() {
  }

  static String perHour(Map<String, Map<String, Long>> perHour) {
    List<String> classes = List.copyOf(new TreeSet<>(perHour.values().stream().flatMap(m -> m.keySet().stream())
        .toList()));
    long max = perHour.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max()
        .orElse(1);
    int legend = 10 + classes.stream().mapToInt(c -> 24 + c.length() * 7).sum();
    int width = Math.max(Math.max(200, legend), perHour.size() * (BAR + 4) + 10);
    StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" id=\"chart\" width=\"")
        .append(width).append("\" height=\"").append(HEIGHT + 40).append("\">");
    int x = 5;
    for (Map.Entry<String, Map<String, Long>> hour : perHour.entrySet()) {
      int y = HEIGHT;
      for (int c = 0; c < classes.size(); c++) {
        long n = hour.getValue().getOrDefault(classes.get(c), 0L);
        int h = (int) Math.round(n * (double) HEIGHT / max);
        if (h > 0) {
          y -= h;
          svg.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(BAR)
              .append("\" height=\"").append(h).append("\" fill=\"").append(COLOURS[c % COLOURS.length])
              .append("\"><title>").append(escape(hour.getKey() + " " + classes.get(c) + ": " + n))
              .append("</title></rect>");
        }
      }
      x += BAR + 4;
    }
    int lx = 5;
    for (int c = 0; c < classes.size(); c++) {
      svg.append("<rect x=\"").append(lx).append("\" y=\"").append(HEIGHT + 14).append("\" width=\"10\" height=\"10\" "
          + "fill=\"").append(COLOURS[c % COLOURS.length]).append("\"/><text x=\"").append(lx + 14).append("\" y=\"")
          .append(HEIGHT + 23).append("\" font-size=\"11\">").append(escape(classes.get(c))).append("</text>");
      lx += 24 + classes.get(c).length() * 7;
    }
    return svg.append("</svg>").toString();
  }

  private static String escape(String s) {
    java.io.StringWriter out = new java.io.StringWriter();
    HtmlEscaper.escape(s, out);
    return out.toString();
  }
}
