package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.OutputFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier dlt export}: the filtered dead letters, every fact, to a file (or standard output). */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export the dead letters that match the filter as JSON Lines or CSV.")
public final class DltExportCommand extends DltQuery {

  @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
      description = "jsonl, csv or table (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "write to FILE instead of standard output")
  Path output;

  @Override
  protected int run() throws IOException {
    DltFormat fmt = DltFormat.parse(format);
    List<DeadLetterEntry> entries = readFiltered(filterOptions.filter(clock.instant())).entries();
    if (output == null) {
      fmt.write(entries, out());
      return 0;
    }
    try (PrintWriter file = OutputFile.open(output)) {
      fmt.write(entries, file);
    }
    out().println("exported " + entries.size() + " dead letter(s) to " + output);
    out().flush();
    return 0;
  }
}
