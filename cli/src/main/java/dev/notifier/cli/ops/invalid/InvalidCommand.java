package dev.notifier.cli.ops.invalid;

import picocli.CommandLine.Command;

/**
 * {@code notifier invalid}: the events the topology could not read (DESIGN.md, Flow 1 "Parse"), why, and putting
 * them back once the cause is fixed — nothing an upstream publishes is lost to a bad schema or a limit.
 */
@Command(name = "invalid", mixinStandardHelpOptions = true,
    description = {"Inspect and republish the events in notifier.events.invalid: what the topology could not read, "
        + "and why.",
        "Every subcommand reads the topic to its end as it is when the command starts and takes the same filters."},
    subcommands = {InvalidStatsCommand.class, InvalidListCommand.class, InvalidShowCommand.class,
        InvalidExportCommand.class, InvalidRepublishCommand.class})
public final class InvalidCommand {
}
