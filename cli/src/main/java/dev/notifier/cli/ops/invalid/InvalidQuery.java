package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.OpsCommand;
import java.util.List;
import picocli.CommandLine.Mixin;

/** The base of the {@code notifier invalid} subcommands: reads the invalid topic to its end, filtered. */
abstract class InvalidQuery extends OpsCommand {

  @Mixin
  InvalidFilterOptions filterOptions;

  /** The matching invalid events, oldest publication first. */
  List<InvalidEvent> read(InvalidFilter filter) {
    return InvalidEvent.read(topicReader(), kafka.topics(), filter);
  }
}
