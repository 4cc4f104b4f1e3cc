package dev.notifier.cli.ops.dlt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Dead letters counted by groups: one row per distinct combination of the chosen dimensions, largest first. */
public record DltStats(List<Dimension> by, List<Group> groups, long total) {

  /** One combination of dimension values and how many dead letters have it. */
  public record Group(List<String> values, long count) {
  }

  public static DltStats of(List<DeadLetterEntry> entries, List<Dimension> by) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (DeadLetterEntry e : entries) {
      counts.merge(by.stream().map(d -> d.of(e)).toList(), 1L, Long::sum);
    }
    List<Group> groups = new ArrayList<>();
    counts.forEach((values, count) -> groups.add(new Group(values, count)));
    groups.sort(Comparator.comparingLong(Group::count).reversed()
        .thenComparing(g -> String.join("\u0000", g.values())));
    return new DltStats(List.copyOf(by), List.copyOf(groups), entries.size());
  }

  /** The JSON shape: {@code {"by":[...],"total":n,"groups":[{"class":"...","count":n},...]}}. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("by", by.stream().map(Dimension::label).toList());
    json.put("total", total);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Group g : groups) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < by.size(); i++) {
        row.put(by.get(i).label(), g.values().get(i));
      }
      row.put("count", g.count());
      rows.add(row);
    }
    json.put("groups", rows);
    return json;
  }
}
