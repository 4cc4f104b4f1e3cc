package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.TextTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier dlt stats}: dead letters counted by group. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Count dead letters grouped by account, class, kind, code, enhanced-code, domain, event-type or hour.")
public final class DltStatsCommand extends DltQuery {

  @Option(names = "--by", split = ",", defaultValue = "class,code", paramLabel = "DIMENSION",
      description = "what to group by, comma-separated: account, class, kind, code, enhanced-code, domain, "
          + "event-type, hour (default: ${DEFAULT-VALUE})")
  List<String> by;

  @Option(names = "--json", description = "write JSON instead of a table")
  boolean json;

  @Override
  protected int run() {
    List<Dimension> dims = Dimension.parse(by);
    DltFilter filter = filterOptions.filter(clock.instant());
    DltStats stats = DltStats.of(readFiltered(filter).entries(), dims);
    PrintWriter out = out();
    if (json) {
      out.println(Json.pretty(stats.toJson()));
    } else {
      List<String> header = new ArrayList<>(dims.stream().map(Dimension::label).toList());
      header.add("count");
      TextTable table = new TextTable(header);
      for (DltStats.Group g : stats.groups()) {
        List<String> row = new ArrayList<>(g.values().stream().map(v -> v.isEmpty() ? "-" : v).toList());
        row.add(String.valueOf(g.count()));
        table.row(row);
      }
      table.print(out);
      out.println("total " + stats.total() + " dead letter(s)" + (filter.isRestricted() ? " matching the filter" : ""));
    }
    out.flush();
    return 0;
  }
}
