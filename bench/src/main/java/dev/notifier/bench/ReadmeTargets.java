package dev.notifier.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The README's table of targets, generated from a report's JSON: every row that has a target, as that run
 * measured it, in the report's order. {@code bench/run readme} writes it between the README's two markers;
 * {@code ReadmeTargetsTest} fails when the README's table and the committed report disagree.
 */
final class ReadmeTargets {

  static final String BEGIN = "<!-- targets: generated from bench/results/report.json by `bench/run readme`;"
      + " not edited by hand -->";
  static final String END = "<!-- /targets -->";

  private ReadmeTargets() {
  }

  /** The targets of a report.json, as it holds them: scenario, target, measured and met (null: reported only). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> targets(Path reportJson) throws IOException {
    return (List<Map<String, Object>>) Report.read(reportJson).get("targets");
  }

  /** The markdown table: a row per target with a verdict, "not met" in bold; the reported ratios stay in the report. */
  static String table(List<Map<String, Object>> targets) {
    StringBuilder md = new StringBuilder("| scenario | target | measured | result |\n|---|---|---|---|\n");
    for (Map<String, Object> t : targets) {
      if (!(t.get("met") instanceof Boolean met)) {
        continue;
      }
      md.append("| ").append(cell(t.get("scenario"))).append(" | ").append(cell(t.get("target"))).append(" | ")
          .append(cell(t.get("measured"))).append(" | ").append(met ? "met" : "**not met**").append(" |\n");
    }
    return md.toString();
  }

  private static String cell(Object text) {
    return String.valueOf(text).replace("|", "\\|").replace("\n", " ");
  }

  /** {@code readme} with what stands between its markers replaced by {@code table}. */
  static String replaceBlock(String readme, String table) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException("the README has no block to write the targets into: put the lines\n" + BEGIN
          + "\n" + END + "\nwhere the table belongs");
    }
    return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
  }

  /** What stands between the markers now, or null when there are none. */
  static String block(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    return begin < 0 || end < begin ? null : readme.substring(begin + BEGIN.length() + 1, end);
  }

  /** Writes the table of {@code reportJson} into {@code readme}; returns whether it changed. */
  static boolean write(Path readme, Path reportJson) throws IOException {
    String before = Files.readString(readme, StandardCharsets.UTF_8);
    String after = replaceBlock(before, table(targets(reportJson)));
    if (after.equals(before)) {
      return false;
    }
    Files.writeString(readme, after, StandardCharsets.UTF_8);
    return true;
  }
}
