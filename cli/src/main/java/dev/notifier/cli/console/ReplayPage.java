package dev.notifier.cli.console;

import dev.notifier.cli.ops.dlt.DeadLetterEntry;
import dev.notifier.cli.ops.dlt.ReplayPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The replay page's model: the dry run's count, its histograms by class and domain, what is skipped and why. */
final class ReplayPage {

  private ReplayPage() {
  }

  static Map<String, Object> dryRun(Views views, String lang, ReplayPlan plan, int matched) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dryRun", true);
    m.put("wouldReplay", views.text(lang, "replay.wouldReplay", plan.toReplay().size(), matched));
    m.put("byClass", histogram(plan.toReplay(), DeadLetterEntry::failureClass));
    m.put("byDomain", histogram(plan.toReplay(), DeadLetterEntry::domain));
    List<Map<String, Object>> skipped = new ArrayList<>();
    plan.skipped().forEach((reason, entries) -> skipped.add(Map.of("key", reason, "why", views.text(lang,
        "skip." + reason), "count", entries.size())));
    m.put("skipped", skipped);
    return m;
  }

  private static List<Map<String, Object>> histogram(List<DeadLetterEntry> entries,
      Function<DeadLetterEntry, String> key) {
    Map<String, Integer> counts = new TreeMap<>();
    entries.forEach(e -> counts.merge(String.valueOf(key.apply(e)), 1, Integer::sum));
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(1);
    List<Map<String, Object>> rows = new ArrayList<>();
    counts.forEach((k, n) -> rows.add(Map.of("key", k, "count", n, "width", Math.max(2, n * 200 / max))));
    return rows;
  }
}
