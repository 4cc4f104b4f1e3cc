package dev.notifier.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.cli.ops.invalid.InvalidEvent;
import dev.notifier.cli.ops.invalid.Republisher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * One request republishes at most {@value InvalidRepublishPage#AT_ONCE} events, the oldest first, and says how many
 * are left for the next (ConsoleBrowserIntegrationTest: the republication itself, in a browser).
 */
class InvalidRepublishPageTest {

  private final Views views = new Views();

  @Test
  void oneRequestTakesTheOldestFiveHundredAndTheDryRunSaysSo() {
    Republisher.Plan plan = new Republisher.Plan(events(0, 1_200), events(5_000, 3), List.of());

    Republisher.Plan now = InvalidRepublishPage.atOnce(plan, InvalidRepublishPage.AT_ONCE);
    Map<String, Object> dryRun = InvalidRepublishPage.dryRun(views, "en", plan, 1_203);

    assertThat(now.toRepublish()).hasSize(500).first().extracting(InvalidEvent::offset).isEqualTo(0L);
    assertThat(now.toRepublish().get(499).offset()).isEqualTo(499L);
    assertThat(now.alreadyRepublished()).hasSize(3);
    assertThat(dryRun).containsEntry("would", "Would republish 1,200 of 1,203 event(s) with this error.")
        .containsEntry("now", "Republish 500 event(s)").containsEntry("dryRun", true)
        .containsEntry("already", "Skipped, republished before (the audit topic says so): 3")
        .containsEntry("alreadyAt", List.of("0:5000", "0:5001", "0:5002"))
        .containsEntry("quarantined", "Skipped, quarantined (back invalid after 3 republications; notifier invalid "
            + "republish --force): 0");
    assertThat((String) dryRun.get("atOnce")).startsWith("At most 500 go in one request");
  }

  @Test
  void afterARequestTheRestIsOfferedAndNothingOnceAllAreBack() {
    Republisher.Plan plan = new Republisher.Plan(events(0, 1_200), List.of(), List.of());

    Map<String, Object> part = InvalidRepublishPage.done(views, "en", plan, 500, 1_200, "notifier.events", "who",
        "why");
    Map<String, Object> all = InvalidRepublishPage.done(views, "en", new Republisher.Plan(events(0, 4), List.of(),
        List.of()), 4, 4, "notifier.events", "who", "why");
    Map<String, Object> none = InvalidRepublishPage.dryRun(views, "en", new Republisher.Plan(List.of(),
        events(0, 2), List.of()), 2);

    assertThat(part).containsEntry("left", "700 more to republish: republish again.")
        .containsEntry("now", "Republish 500 event(s)").containsEntry("dryRun", true);
    assertThat(all).doesNotContainKeys("left", "now", "dryRun")
        .containsEntry("done", "Republished 4 of 4 event(s) with this error to notifier.events (by who: why).");
    assertThat(none).containsEntry("dryRun", false).doesNotContainKey("atOnce");
  }

  private static List<InvalidEvent> events(long from, int n) {
    return IntStream.range(0, n).mapToObj(i -> new InvalidEvent(0, from + i, Instant.EPOCH.plusSeconds(from + i),
        "k" + i, "missing-field", null, new byte[0], List.of())).toList();
  }
}
