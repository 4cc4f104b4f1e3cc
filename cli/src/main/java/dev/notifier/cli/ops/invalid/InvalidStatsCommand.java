package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.TextTable;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier invalid stats}: invalid events counted by error, and by hour of publication if asked. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Count the events on notifier.events.invalid by error (the topology's reason), by hour of "
        + "publication, or both.")
public final class InvalidStatsCommand extends InvalidQuery {

  @Option(names = "--by", split = ",", defaultValue = "error", paramLabel = "DIMENSION",
      description = "what to group by, comma-separated: error, hour (default: ${DEFAULT-VALUE})")
  List<String> by;

  @Option(names = "--json", description = "write JSON instead of a table")
  boolean json;

  @Override
  protected int run() {
    List<Function<InvalidEvent, String>> dims = new ArrayList<>();
    for (String d : by) {
      switch (d.strip()) {
        case "error" -> dims.add(InvalidEvent::error);
        case "hour" -> dims.add(e -> e.publishedAt().truncatedTo(ChronoUnit.HOURS).toString());
        default -> throw new dev.notifier.cli.ops.OpsException("--by " + d + " is not a dimension: use error, hour");
      }
    }
    InvalidFilter filter = filterOptions.filter(clock.instant());
    Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> String.join("\u0000", a)
        .compareTo(String.join("\u0000", b)));
    int[] total = {0};
    Instant[] newest = {null};
    InvalidEvent.forEach(topicReader(), kafka.topics(), e -> {
      if (filter.matches(e)) {
        counts.merge(dims.stream().map(d -> d.apply(e)).toList(), 1, Integer::sum);
        total[0]++;
        newest[0] = newest[0] == null || e.publishedAt().isAfter(newest[0]) ? e.publishedAt() : newest[0];
      }
    });
    PrintWriter out = out();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      counts.forEach((values, count) -> {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
          row.put(by.get(i).strip(), values.get(i));
        }
        row.put("count", count);
        rows.add(row);
      });
      out.println(Json.pretty(rows));
    } else {
      List<String> header = new ArrayList<>(by.stream().map(String::strip).toList());
      header.add("count");
      TextTable table = new TextTable(header);
      counts.forEach((values, count) -> {
        List<String> row = new ArrayList<>(values);
        row.add(String.valueOf(count));
        table.row(row);
      });
      table.print(out);
      out.println("total " + total[0] + " invalid event(s)" + InvalidListCommand.matching(filter)
          + (newest[0] == null ? "" : ", the newest published " + newest[0]));
    }
    out.flush();
    return 0;
  }
}
