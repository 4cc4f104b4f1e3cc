package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.OpsCommand;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;

/** A dlt subcommand: the Kafka options plus the filter, and reading the filtered dead letters. */
abstract class DltQuery extends OpsCommand {

  @Mixin
  DltFilterOptions filterOptions;

  DltReader.Result readFiltered(DltFilter filter) {
    DltReader.Result result = new DltReader(topicReader(), kafka.settings().topics()).read(filter);
    if (result.unreadable() > 0) {
      PrintWriter err = err();
      err.println("warning: " + result.unreadable() + " record(s) of the dead-letter topic are not readable "
          + "DeadLetter records and were left out");
      err.flush();
    }
    return result;
  }
}
