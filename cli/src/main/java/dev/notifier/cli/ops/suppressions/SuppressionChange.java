package dev.notifier.cli.ops.suppressions;

import dev.notifier.cli.ops.KafkaPrincipal;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code add} and {@code remove} share: the address, the operator's reason, and who is changing it. */
abstract class SuppressionChange extends OpsCommand {

  @Parameters(paramLabel = "ADDRESS", description = "the email address")
  String address;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why (recorded in notifier.audit with who you are), e.g. 'user confirmed the mailbox works again'")
  String reason;

  Changer changer() {
    if (reason.isBlank()) {
      throw new OpsException("--reason is empty: say why, e.g. --reason 'mailbox restored, ticket 4711'");
    }
    if (!address.contains("@") || address.strip().contains(" ")) {
      throw new OpsException("'" + address + "' is not an email address: give one like alice@example.com");
    }
    return new Changer(KafkaPrincipal.of(kafka.settings().clientProperties()), System.getProperty("user.name", "?"),
        reason.strip());
  }
}
