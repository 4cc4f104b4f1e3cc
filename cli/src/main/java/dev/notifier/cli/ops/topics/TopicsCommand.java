package dev.notifier.cli.ops.topics;

import picocli.CommandLine.Command;

/** {@code notifier topics}: notifier's topics as the catalogue needs them (see {@code Topics}, {@code TopicSpec}). */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {"Create, describe, verify and grow notifier's topics from the topic catalogue.",
        "Every subcommand takes --config FILE (its kafka section: servers, security, topic prefix; its topics "
            + "section: partitions, replication factor, extra configs) and/or --bootstrap-server."},
    subcommands = {TopicsCreateCommand.class, TopicsDescribeCommand.class, TopicsVerifyCommand.class,
        TopicsGrowCommand.class})
public final class TopicsCommand {
}
