package dev.notifier.cli.schemas;

import dev.notifier.cli.schemas.CompatibilityRow.Outcome;
import dev.notifier.schemas.PortableSchema;
import dev.notifier.schemas.registry.RegistryClient;
import dev.notifier.schemas.registry.RegistrySubjects;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.SchemaCompatibility;

/**
 * Asks a registry, subject by subject, whether the notifier's schema could be the subject's next
 * version under the subject's own compatibility level ({@code POST
 * /compatibility/subjects/{s}/versions/latest}). The registry decides, not the notifier: its level
 * (BACKWARD by default) is the promise the producers and consumers of that subject rely on. For a
 * subject the notifier reads, BACKWARD means the notifier's schema reads what producers registered.
 */
final class SchemaCheck {

  private final RegistryClient registry;

  SchemaCheck(RegistryClient registry) {
    this.registry = registry;
  }

  List<CompatibilityRow> check(List<RegistrySubjects.Entry> subjects) {
    return subjects.stream().map(this::check).toList();
  }

  private CompatibilityRow check(RegistrySubjects.Entry entry) {
    Optional<RegistryClient.Version> latest = registry.latest(entry.subject());
    if (latest.isEmpty()) {
      return new CompatibilityRow(entry.subject(), null, Outcome.NOT_REGISTERED, entry.notifierWrites()
          ? "nothing registered: the notifier's " + entry.schema().getName() + " is the first version to register"
          : "nothing registered: no producer of " + entry.topic() + " has registered a schema yet");
    }
    RegistryClient.Verdict verdict = registry.compatibility(entry.subject(), PortableSchema.json(entry.schema()));
    if (verdict.compatible()) {
      return new CompatibilityRow(entry.subject(), latest.get().version(), Outcome.COMPATIBLE, "");
    }
    String why = verdict.messages().isEmpty() ? "the registry gave no reason; " + avrosReason(entry, latest.get())
        : String.join("; ", verdict.messages());
    return new CompatibilityRow(entry.subject(), latest.get().version(), Outcome.INCOMPATIBLE,
        "the notifier's " + entry.schema().getName() + ": " + why);
  }

  /**
   * For a registry that says no without saying why (Apicurio's Confluent-compatible API ignores
   * {@code ?verbose=true}): Avro's own check of the notifier's schema reading the latest registered
   * version (BACKWARD, the usual level), each incompatibility as its type, where, and what.
   */
  private String avrosReason(RegistrySubjects.Entry entry, RegistryClient.Version latest) {
    SchemaCompatibility.SchemaCompatibilityResult result = SchemaCompatibility
        .checkReaderWriterCompatibility(entry.schema(), registry.schemaById(latest.id())).getResult();
    if (result.getIncompatibilities().isEmpty()) {
      return "Avro finds the notifier's schema reads version " + latest.version()
          + ", so the subject's level asks more than BACKWARD";
    }
    return "Avro's own check of the notifier's schema reading version " + latest.version() + ": "
        + result.getIncompatibilities().stream().map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
            .collect(Collectors.joining("; "));
  }
}
