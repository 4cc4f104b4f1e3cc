package dev.notifier.cli.ops.backlog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Partitions as a person reads them: {@code notifier.send 0-3,7} rather than four {@code topic-n} names. */
public final class Partitions {

  private Partitions() {
  }

  /** {@code topic-partition} names (sorted by topic, then partition) as one {@code topic ranges} item per topic. */
  public static List<String> compact(List<String> partitions) {
    Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
    for (String p : partitions) {
      int dash = p.lastIndexOf('-');
      byTopic.computeIfAbsent(p.substring(0, dash), t -> new ArrayList<>()).add(Integer.parseInt(p.substring(dash + 1)));
    }
    List<String> out = new ArrayList<>();
    byTopic.forEach((topic, numbers) -> out.add(topic + " " + ranges(numbers)));
    return out;
  }

  private static String ranges(List<Integer> sorted) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      sb.append(sb.length() == 0 ? "" : ",").append(sorted.get(i));
      if (j > i) {
        sb.append('-').append(sorted.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
  }
}
