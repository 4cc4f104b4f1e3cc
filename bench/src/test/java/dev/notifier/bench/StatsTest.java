package dev.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The report's arithmetic and argument parsing; no benchmark runs here. */
class StatsTest {

  private static final long MS = 1_000_000L;

  @Test
  void maxInWindowFindsTheBusiestSecondWhateverItsStart() {
    // 3 in [0.6 s, 1.5 s] straddle a whole-second boundary; per whole second there are only 2
    long[] times = {0, 600 * MS, 900 * MS, 1500 * MS, 3000 * MS};
    assertThat(Stats.maxInWindow(times, 1000 * MS)).isEqualTo(3);
    assertThat(Stats.perSecond(times, 0, 4)).containsExactly(3, 1, 0, 1);
  }

  @Test
  void maxInWindowOfNothingIsZero() {
    assertThat(Stats.maxInWindow(new long[0], 1000 * MS)).isZero();
  }

  @Test
  void percentilesAreInMilliseconds() {
    Histogram h = Stats.latencyHistogram();
    for (int i = 1; i <= 100; i++) {
      h.recordValue(i * 1000L);
    }
    Map<String, Double> p = Stats.percentilesMillis(h);
    assertThat(p.keySet()).containsExactly("p50", "p95", "p99", "p99.9", "max");
    assertThat(p.get("p50")).isCloseTo(50, org.assertj.core.data.Offset.offset(0.1));
    assertThat(p.get("max")).isCloseTo(100, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void medianTakesTheMiddleAndIgnoresRunsThatDidNotMeasure() {
    assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(Stats.median(List.of(5.0, Double.NaN, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(Stats.median(List.of())).isNaN();
  }

  @Test
  void ratioOfAMissingBaselineIsNaN() {
    assertThat(Stats.ratio(10, Double.NaN)).isNaN();
    assertThat(Stats.ratio(10, 0)).isNaN();
    assertThat(Stats.ratio(10, 4)).isEqualTo(2.5);
    assertThat(Report.times(Double.NaN)).isEqualTo("–");
  }

  @Test
  void aRatioNearItsTargetIsShownWithTheDecimalsThatKeepItOnItsSideOfTheBound() {
    assertThat(Report.times(0.8965, 0.9)).as("a miss never reads as the bound").isEqualTo("0.897×");
    assertThat(Report.times(0.89996, 0.9)).isEqualTo("0.89996×");
    assertThat(Report.times(0.9, 0.9)).isEqualTo("0.90×");
    assertThat(Report.times(0.912, 0.9)).isEqualTo("0.91×");
    assertThat(Report.times(0.496, 0.5)).isEqualTo("0.496×");
    assertThat(Report.times(0.8965, Double.NaN)).as("no target").isEqualTo("0.90×");
  }

  @Test
  void markdownTableHasAHeaderRuleAndRows() {
    StringBuilder md = new StringBuilder();
    Report.appendTable(md, new Report.Table(null, List.of("a", "b"), List.of(List.of("1", "2"))));
    assertThat(md.toString()).isEqualTo("| a | b |\n|---|---|\n| 1 | 2 |\n");
  }

  @Test
  void argumentsChooseScenariosAndSizes() {
    BenchConfig c = BenchMain.parse(new String[] {"--quick", "--events", "10k", "--repetitions", "5", "throttle",
        "latency"});
    assertThat(c.quick()).isTrue();
    assertThat(c.events()).isEqualTo(10_000);
    assertThat(c.repetitions()).isEqualTo(5);
    assertThat(c.scenarios()).containsExactly("throttle", "latency");
    assertThat(BenchMain.parse(new String[0]).scenarios()).isEqualTo(BenchConfig.ALL).doesNotContain("latency-deployed");
    assertThat(BenchMain.parse(new String[] {"latency-deployed"}).scenarios()).containsExactly("latency-deployed");
    assertThatThrownBy(() -> BenchMain.parse(new String[] {"fastest"})).hasMessageContaining("use one of");
    assertThatThrownBy(() -> BenchMain.parse(new String[] {"--events", "-3"})).hasMessageContaining("--events");
  }
}
