package dev.notifier.cli.schemas;

import dev.notifier.avro.DeadLetter;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Group;
import dev.notifier.avro.Notification;
import dev.notifier.avro.QuotaUsage;
import dev.notifier.avro.User;
import dev.notifier.schemas.Fingerprints;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.schemas.SchemaHistory;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Avro schemas this release reads and writes, for whoever writes a producer in another
 * language: each version with the fingerprint a producer's single-object encoding must carry (the
 * spec's, and the one Avro for Python 1.11 computes, which the notifier also accepts), its Parsing
 * Canonical Form, or the whole {@code .avsc}.
 */
@Command(name = "schemas", mixinStandardHelpOptions = true, subcommands = SchemasCheckCommand.class,
    description = "List the Avro schemas with their fingerprints, or print one (--avsc NAME, --canonical NAME).")
public final class SchemasCommand implements Callable<Integer> {

  /** What upstream systems write first, then what the notifier itself writes. */
  static final List<Schema> CURRENT = List.of(DomainEvent.getClassSchema(), User.getClassSchema(),
      Group.getClassSchema(), Notification.getClassSchema(), DeliveryStatus.getClassSchema(),
      DeadLetter.getClassSchema(), QuotaUsage.getClassSchema());

  @Spec
  CommandSpec spec;

  @Option(names = "--avsc", paramLabel = "NAME", description = "print the schema NAME (e.g. DomainEvent) as JSON")
  String avsc;

  @Option(names = "--canonical", paramLabel = "NAME", description = "print the Parsing Canonical Form of schema NAME")
  String canonical;

  @Option(names = "--shipped", paramLabel = "N",
      description = "with --avsc or --canonical: shipped version N (see the list) instead of the current one")
  Integer version;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (avsc == null && canonical == null) {
      list(out);
      return 0;
    }
    String name = avsc != null ? avsc : canonical;
    Schema schema = find(name);
    if (schema == null) {
      spec.commandLine().getErr().println("schemas: no schema " + name + (version == null ? "" : " version " + version)
          + "; the names are " + CURRENT.stream().map(Schema::getName).toList()
          + ", and `notifier schemas` lists every version");
      return 2;
    }
    out.println(avsc != null ? PortableSchema.json(schema) : SchemaNormalization.toParsingForm(schema));
    return 0;
  }

  private void list(PrintWriter out) {
    out.printf(Locale.ROOT, "%-15s %-8s %-16s  %-16s%n", "schema", "version", "fingerprint", "python-avro-1.11");
    for (Schema current : CURRENT) {
      List<Schema> versions = new ArrayList<>(SchemaHistory.of(current.getName()));
      for (int v = 0; v < versions.size(); v++) {
        row(out, versions.get(v), "v" + (v + 1));
      }
      row(out, current, "current");
    }
    out.println("A producer's Avro single-object encoding carries one of these fingerprints (CRC-64-AVRO, printed");
    out.println("big-endian here, written little-endian after the C3 01 marker). `--avsc NAME` prints a schema.");
  }

  private static void row(PrintWriter out, Schema schema, String version) {
    out.printf(Locale.ROOT, "%-15s %-8s %s  %s%n", schema.getName(), version, Fingerprints.hex(Fingerprints.of(schema)),
        Fingerprints.hex(Fingerprints.python111(schema)));
  }

  private Schema find(String name) {
    for (Schema current : CURRENT) {
      if (current.getName().equals(name) || current.getFullName().equals(name)) {
        if (version == null) {
          return current;
        }
        List<Schema> shipped = SchemaHistory.of(current.getName());
        return version >= 1 && version <= shipped.size() ? shipped.get(version - 1) : null;
      }
    }
    return null;
  }
}
