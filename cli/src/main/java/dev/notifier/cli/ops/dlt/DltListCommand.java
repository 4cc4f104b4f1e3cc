package dev.notifier.cli.ops.dlt;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier dlt list}: the filtered dead letters on standard output. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the dead letters that match the filter, oldest first per partition.")
public final class DltListCommand extends DltQuery {

  @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
      description = "table, jsonl or csv (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--limit", paramLabel = "N", description = "show at most N (the newest N by failure time)")
  Integer limit;

  @Override
  protected int run() {
    DltFormat fmt = DltFormat.parse(format);
    List<DeadLetterEntry> entries = readFiltered(filterOptions.filter(clock.instant())).entries();
    if (limit != null && entries.size() > limit) {
      entries = entries.stream().sorted((a, b) -> b.failedAt().compareTo(a.failedAt())).limit(limit)
          .sorted((a, b) -> a.failedAt().compareTo(b.failedAt())).toList();
    }
    fmt.write(entries, out());
    if (fmt == DltFormat.TABLE) {
      out().println(entries.size() + " dead letter(s)");
      out().flush();
    }
    return 0;
  }
}
