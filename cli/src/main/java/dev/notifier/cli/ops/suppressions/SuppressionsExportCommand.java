package dev.notifier.cli.ops.suppressions;

import dev.notifier.avro.Suppression;
import dev.notifier.cli.ops.Csv;
import dev.notifier.cli.ops.Json;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.OutputFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code notifier suppressions export}: the list, every field, as CSV or JSON Lines, to a file or standard output. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export the suppressed addresses as CSV or JSON Lines.")
public final class SuppressionsExportCommand extends OpsCommand {

  @Option(names = "--format", defaultValue = "csv", paramLabel = "FORMAT", description = "csv or jsonl (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "write to FILE instead of standard output")
  Path output;

  @Option(names = "--kind", paramLabel = "KIND", description = "only this reason")
  String reason;

  @Option(names = "--domain", paramLabel = "DOMAIN", description = "only addresses at this domain")
  String domain;

  @Option(names = "--include-expired", description = "also suppressions that have lapsed")
  boolean includeExpired;

  @Override
  protected int run() throws IOException {
    if (!format.equals("csv") && !format.equals("jsonl")) {
      throw new OpsException("--format " + format + " is not a format: use csv or jsonl");
    }
    List<Suppression> list = SuppressionsListCommand.select(reason, domain, includeExpired,
        SuppressionList.read(topicReader(), kafka.topics()), clock.instant());
    if (output == null) {
      write(list, out());
      out().flush();
      return 0;
    }
    try (PrintWriter file = OutputFile.open(output)) {
      write(list, file);
    }
    out().println("exported " + list.size() + " suppressed address(es) to " + output);
    out().flush();
    return 0;
  }

  private void write(List<Suppression> list, PrintWriter out) {
    if (format.equals("csv")) {
      out.println(Csv.line(SuppressionView.COLUMNS));
      list.forEach(s -> out.println(Csv.line(SuppressionView.row(s))));
    } else {
      list.forEach(s -> out.println(Json.line(SuppressionView.json(s))));
    }
  }
}
