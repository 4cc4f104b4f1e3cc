package dev.notifier.cli.schemas;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistryRefusedException;
import dev.notifier.schemas.registry.RegistrySettings;
import dev.notifier.schemas.registry.RegistrySubjects;
import dev.notifier.schemas.registry.RegistryUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code notifier schemas check}: a table of the notifier's subjects (see {@link RegistrySubjects})
 * with their latest registered version and whether the notifier's schema is compatible there (see
 * {@link SchemaCheck}). Exit code 1 when any is incompatible, 2 when the registry cannot be asked.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Tell, per subject (<topic>-value), whether the notifier's schemas are compatible with what a "
        + "schema registry holds. Exit code 1 on any incompatibility, 2 when the registry cannot be asked.")
public final class SchemasCheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  RegistryOptions registry;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config file: its streams.schemaRegistry (URLs, credentials, TLS) and kafka.topicPrefix")
  Path config;

  @Override
  public Integer call() {
    NotifierConfig file = config == null ? null : ConfigFile.load(config);
    RegistrySettings settings = registry.settings(file);
    Topics topics = file == null ? Topics.standard() : file.kafka().topics();
    List<CompatibilityRow> rows;
    try {
      rows = new SchemaCheck(new RegistryClient(settings, System::getenv)).check(RegistrySubjects.of(topics));
    } catch (RegistryUnavailableException e) {
      boolean credentials = e.getMessage().contains("refused the credentials");
      spec.commandLine().getErr().println("notifier: schemas check: " + e.getMessage() + (credentials ? ""
          : ". Is the registry up and the URL right? (--registry, or streams.schemaRegistry.urls)"));
      return 2;
    } catch (RegistryRefusedException e) {
      spec.commandLine().getErr().println("notifier: schemas check: " + e.getMessage());
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    TextTable table = new TextTable(List.of("subject", "registered version", "result", "reason"));
    rows.forEach(row -> table.row(row.cells()));
    table.print(out);
    long incompatible = rows.stream().filter(r -> r.outcome() == CompatibilityRow.Outcome.INCOMPATIBLE).count();
    out.println(incompatible == 0 ? "the notifier's schemas are compatible with every registered subject"
        : incompatible + " subject(s) incompatible: the registry would refuse the notifier's schema there, and "
            + "readers of those subjects may fail; see the reasons above");
    out.flush();
    return incompatible == 0 ? 0 : 1;
  }
}
