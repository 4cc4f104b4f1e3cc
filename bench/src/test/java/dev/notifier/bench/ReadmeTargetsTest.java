package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's targets table is the committed report's, row for row. */
class ReadmeTargetsTest {

  /** The bench module's tests run in bench/, the repository one up. */
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath().normalize();

  @Test
  void theReadmeShowsTheTargetsOfTheCommittedReportAsItMeasuredThem() throws IOException {
    String readme = Files.readString(REPO.resolve("README.md"), StandardCharsets.UTF_8);
    List<Map<String, Object>> targets = ReadmeTargets.targets(REPO.resolve("bench/results/report.json"));

    assertThat(ReadmeTargets.block(readme))
        .as("README.md's targets table against bench/results/report.json: run bench/run readme after a bench run")
        .isEqualTo(ReadmeTargets.table(targets));
    // every verdict of the report is in it, the unmet ones said as such
    long unmet = targets.stream().filter(t -> Boolean.FALSE.equals(t.get("met"))).count();
    assertThat(ReadmeTargets.block(readme).split("\\*\\*not met\\*\\*", -1)).hasSize((int) unmet + 1);
  }

  @Test
  void aRowPerTargetWithAVerdictUnmetInBoldReportedRatiosLeftToTheReport() {
    String table = ReadmeTargets.table(List.of(
        target("topology", "notifier ≥ 0.5 × same-shape", "8504 vs 11219 events/s = 0.76×", true),
        target("topology", "notifier / bare fan-out (reported)", "0.05×", null),
        target("latency", "p99 < 150 ms", "224 ms | from actual send 222", false)));

    assertThat(table).isEqualTo("| scenario | target | measured | result |\n|---|---|---|---|\n"
        + "| topology | notifier ≥ 0.5 × same-shape | 8504 vs 11219 events/s = 0.76× | met |\n"
        + "| latency | p99 < 150 ms | 224 ms \\| from actual send 222 | **not met** |\n");
  }

  @Test
  void theTableReplacesOnlyWhatStandsBetweenTheMarkers() {
    String readme = "before\n" + ReadmeTargets.BEGIN + "\nold table\n" + ReadmeTargets.END + "\nafter\n";

    String written = ReadmeTargets.replaceBlock(readme, "| new |\n");

    assertThat(written).isEqualTo("before\n" + ReadmeTargets.BEGIN + "\n| new |\n" + ReadmeTargets.END + "\nafter\n");
    assertThat(ReadmeTargets.block(written)).isEqualTo("| new |\n");
    assertThatThrownBy(() -> ReadmeTargets.replaceBlock("no markers here", "| new |\n"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no block to write the targets into");
  }

  private static Map<String, Object> target(String scenario, String target, String measured, Boolean met) {
    Map<String, Object> t = new HashMap<>();
    t.put("scenario", scenario);
    t.put("target", target);
    t.put("measured", measured);
    t.put("met", met);
    return t;
  }
}
