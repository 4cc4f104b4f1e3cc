package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.OpsCommand;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;

/** A dlt subcommand: the Kafka options plus the filter, and reading the filtered dead letters. */
abstract class DltQuery extends OpsCommand {

  @Mixin
  DltFilterOptions filterOptions;

  DltReader.Result readFiltered(DltFilter filter) {
    // the catalogue reads the registry's wire format too when the config names a registry
    DltReader.Result result = new DltReader(topicReader(), kafka.topics()).read(filter);
    if (result.unreadable() > 0) {
      PrintWriter err = err();
      err.println("warning: " + result.unreadable() + " record(s) of the dead-letter topic are not readable "
          + "DeadLetter records and were left out" + registryNote(result));
      err.flush();
    }
    return result;
  }

  private String registryNote(DltReader.Result result) {
    if (result.unreadRegistryRecords() == 0) {
      return "";
    }
    boolean configured = kafka.configFile() != null && kafka.configFile().streams().schemaRegistry() != null;
    return "; " + result.unreadRegistryRecords() + " of them in a schema registry's wire format"
        + (configured ? " (the first: " + result.firstRegistryError() + ")"
        : ": pass --config FILE whose streams.schemaRegistry names the registry");
  }
}
