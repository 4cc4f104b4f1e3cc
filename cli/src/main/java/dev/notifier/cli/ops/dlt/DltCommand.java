package dev.notifier.cli.ops.dlt;

import picocli.CommandLine.Command;

/** {@code notifier dlt}: what failed and why, and replaying it (DESIGN.md, Flow 8 "Replay"). */
@Command(name = "dlt", mixinStandardHelpOptions = true,
    description = {"Inspect and replay the dead letters in notifier.send.dlt.",
        "Every subcommand reads the topic to its end as it is when the command starts and takes the same filters."},
    subcommands = {DltStatsCommand.class, DltListCommand.class, DltExportCommand.class, DltReplayCommand.class})
public final class DltCommand {
}
