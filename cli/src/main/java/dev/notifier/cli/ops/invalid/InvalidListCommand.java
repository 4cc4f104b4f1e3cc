package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.TerminalText;
import dev.notifier.cli.ops.TextTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier invalid list}: the events the topology refused, newest first, each with its reason. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the events on notifier.events.invalid that match the filter, newest first: where, when "
        + "published, key, the error and its detail, size and the start of the value.")
public final class InvalidListCommand extends InvalidQuery {

  @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "at most N rows (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "write JSON (the whole detail and value preview) instead of a table")
  boolean json;

  @Override
  protected int run() {
    InvalidFilter filter = filterOptions.filter(clock.instant());
    Newest newest = new Newest(limit);
    InvalidEvent.forEach(topicReader(), kafka.topics(), e -> {
      if (filter.matches(e)) {
        newest.offer(e);
      }
    });
    List<InvalidEvent> shown = newest.newestFirst();
    int total = newest.offered();
    PrintWriter out = out();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (InvalidEvent e : shown) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("at", e.position());
        row.put("publishedAt", e.publishedAt().toString());
        row.put("key", e.key());
        row.put("error", e.error());
        row.put("detail", e.message());
        row.put("bytes", e.value().length);
        row.put("republished", e.republished());
        row.put("value", e.preview(200));
        rows.add(row);
      }
      out.println(Json.pretty(rows));
    } else {
      TextTable table = new TextTable(List.of("at", "published", "key", "error", "detail", "bytes", "value"));
      for (InvalidEvent e : shown) {
        table.row(List.of(e.position(), e.publishedAt().toString(), TerminalText.clean(String.valueOf(e.key())),
            e.error(), TextTable.cut(TerminalText.clean(e.message() == null ? "-" : e.message()), 70),
            String.valueOf(e.value().length), e.preview(40)));
      }
      table.print(out);
      out.println(total > shown.size()
          ? "showing the newest " + shown.size() + " of " + total + " invalid event(s)" + matching(filter)
              + "; --limit N shows more"
          : total + " invalid event(s)" + matching(filter));
      if (!shown.isEmpty()) {
        out.println("notifier invalid show PARTITION:OFFSET prints one whole; notifier invalid republish puts events "
            + "back on the events topic once their cause is fixed");
      }
    }
    out.flush();
    return 0;
  }

  static String matching(InvalidFilter filter) {
    return filter.isRestricted() ? " matching the filter" : "";
  }
}
