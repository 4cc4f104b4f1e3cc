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
    List<InvalidEvent> events = read(filter);
    Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> String.join("\u0000", a)
        .compareTo(String.join("\u0000", b)));
    for (InvalidEvent e : events) {
      counts.merge(dims.stream().map(d -> d.apply(e)).toList(), 1, Integer::sum);
    }
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
      Instant newest = events.isEmpty() ? null : events.get(events.size() - 1).publishedAt();
      out.println("total " + events.size() + " invalid event(s)" + InvalidListCommand.matching(filter)
          + (newest == null ? "" : ", the newest published " + newest));
    }
    out.flush();
    return 0;
  }
}
