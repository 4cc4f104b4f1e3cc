package dev.notifier.cli.ops.suppressions;

import picocli.CommandLine.Command;

/** {@code notifier suppressions}: the addresses the notifier does not mail, and changing them by hand, audited. */
@Command(name = "suppressions", mixinStandardHelpOptions = true,
    description = {"List, show, add, remove and export suppressed addresses (notifier.suppressions).",
        "Bounces, complaints and unsubscribes suppress addresses by the streams.suppressions policy; add and remove "
            + "record who changed what, and why, in notifier.audit."},
    subcommands = {SuppressionsListCommand.class, SuppressionsShowCommand.class, SuppressionsAddCommand.class,
        SuppressionsRemoveCommand.class, SuppressionsExportCommand.class})
public final class SuppressionsCommand {
}
