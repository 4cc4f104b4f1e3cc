package dev.notifier.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run found, written as {@code report.md} (tables for people), {@code report.json} (every
 * number, for tools) and PNG charts. Scenarios add sections (notes and tables), targets (met or not,
 * with the measured numbers) and charts; nothing is written until {@link #write}.
 */
public final class Report {

  /** One table: a header row and rows of already formatted cells. */
  public record Table(String title, List<String> header, List<List<String>> rows) {
  }

  /** A target of issue 7: what was asked, what was measured, whether it was met (null: not measured). */
  public record Target(String scenario, String target, String measured, Boolean met) {
  }

  /** One section per scenario. */
  public static final class Section {
    final String name;
    final List<String> notes = new ArrayList<>();
    final List<Table> tables = new ArrayList<>();
    final Map<String, Object> data = new LinkedHashMap<>();

    Section(String name) {
      this.name = name;
    }

    public Section note(String text) {
      notes.add(text);
      return this;
    }

    public Section table(Table table) {
      tables.add(table);
      return this;
    }

    /** A number or structure for report.json. */
    public Section data(String key, Object value) {
      data.put(key, value);
      return this;
    }
  }

  private final Map<String, Object> environment = new LinkedHashMap<>();
  private final List<Section> sections = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private final Instant started = Instant.now();

  public Map<String, Object> environment() {
    return environment;
  }

  public Section section(String name) {
    for (Section s : sections) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    Section s = new Section(name);
    sections.add(s);
    return s;
  }

  public void target(String scenario, String target, String measured, Boolean met) {
    targets.add(new Target(scenario, target, measured, met));
  }

  public List<Target> targets() {
    return List.copyOf(targets);
  }

  /** Writes report.md, report.json and the charts into {@code dir}; returns the files written. */
  public List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (Charts.Chart chart : charts()) {
      written.add(chart.write(dir));
    }
    Path md = dir.resolve("report.md");
    Files.writeString(md, markdown(written), StandardCharsets.UTF_8);
    Path json = dir.resolve("report.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), json());
    written.add(0, json);
    written.add(0, md);
    return written;
  }

  /**
   * The charts its sections call for, drawn from their data as report.json holds it (through
   * Jackson, as {@code bench/run redraw} reads it back), so a redraw draws the same charts.
   */
  @SuppressWarnings("unchecked")
  List<Charts.Chart> charts() {
    return ReportCharts.of(new ObjectMapper().convertValue(json(), Map.class));
  }

  /**
   * A report.json as written, read back as maps and lists; a missing file, or a JSON without a
   * report's "targets" and "scenarios", is said so.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path json) throws IOException {
    if (!Files.isRegularFile(json)) {
      throw new IOException(json.getParent() + " holds no report.json: give the directory a bench run wrote its "
          + "report into (bench/results unless --out said otherwise)");
    }
    Map<String, Object> report = new ObjectMapper().readValue(json.toFile(), Map.class);
    for (String key : List.of("targets", "scenarios")) {
      if (!report.containsKey(key)) {
        throw new IOException(json + " has no \"" + key + "\": not a bench report");
      }
    }
    return report;
  }

  Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("startedAt", started.toString());
    root.put("finishedAt", Instant.now().toString());
    root.put("environment", environment);
    List<Map<String, Object>> t = new ArrayList<>();
    for (Target target : targets) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scenario", target.scenario());
      m.put("target", target.target());
      m.put("measured", target.measured());
      m.put("met", target.met());
      t.add(m);
    }
    root.put("targets", t);
    Map<String, Object> scenarios = new LinkedHashMap<>();
    for (Section s : sections) {
      Map<String, Object> m = new LinkedHashMap<>(s.data);
      m.put("notes", s.notes);
      scenarios.put(s.name, m);
    }
    root.put("scenarios", scenarios);
    return root;
  }

  String markdown(List<Path> chartFiles) {
    StringBuilder md = new StringBuilder();
    md.append("# notifier benchmark report\n\n");
    md.append("Run ").append(started).append(". ");
    environment.forEach((k, v) -> md.append(k).append(": ").append(v).append("; "));
    md.append("\n\n## Targets\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Target t : targets) {
      rows.add(List.of(t.scenario(), t.target(), t.measured(), t.met() == null ? "–" : t.met() ? "met" : "NOT met"));
    }
    appendTable(md, new Table(null, List.of("scenario", "target", "measured", "result"), rows));
    for (Section s : sections) {
      md.append("\n## ").append(s.name).append("\n\n");
      for (Table table : s.tables) {
        appendTable(md, table);
        md.append('\n');
      }
      for (String note : s.notes) {
        md.append("- ").append(note).append('\n');
      }
    }
    if (!chartFiles.isEmpty()) {
      md.append("\n## Charts\n\n");
      for (Path chart : chartFiles) {
        md.append("![").append(chart.getFileName()).append("](").append(chart.getFileName()).append(")\n");
      }
    }
    return md.toString();
  }

  static void appendTable(StringBuilder md, Table table) {
    if (table.title() != null) {
      md.append("**").append(table.title()).append("**\n\n");
    }
    md.append("| ").append(String.join(" | ", table.header())).append(" |\n|");
    table.header().forEach(h -> md.append("---|"));
    md.append('\n');
    for (List<String> row : table.rows()) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
  }

  /** A number with a sensible number of digits for a table cell; "–" for NaN. */
  public static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "–";
    }
    double abs = Math.abs(value);
    String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, value);
  }

  /** A ratio such as "0.87×"; "–" for NaN. */
  public static String times(double ratio) {
    return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f×", ratio);
  }

  /**
   * A ratio compared with a target's {@code bound}: two decimals, or as many more (up to six) as it takes
   * for the figure not to read as the bound when it misses it, or as under it when it meets it (0.8965
   * against 0.9 reads 0.897×, not 0.90×). A NaN bound is no target: two decimals.
   */
  public static String times(double ratio, double bound) {
    if (Double.isNaN(ratio) || Double.isNaN(bound)) {
      return times(ratio);
    }
    for (int decimals = 2; decimals < 6; decimals++) {
      double shown = Double.parseDouble(String.format(Locale.ROOT, "%." + decimals + "f", ratio));
      if ((shown >= bound) == (ratio >= bound)) {
        return String.format(Locale.ROOT, "%." + decimals + "f×", ratio);
      }
    }
    return String.format(Locale.ROOT, "%.6f×", ratio);
  }
}
