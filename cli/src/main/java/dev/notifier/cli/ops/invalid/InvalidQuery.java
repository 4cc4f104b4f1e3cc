package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.OpsCommand;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Mixin;

/** The base of the {@code notifier invalid} subcommands: reads the invalid topic to its end, filtered. */
abstract class InvalidQuery extends OpsCommand {

  @Mixin
  InvalidFilterOptions filterOptions;

  /** The matching invalid events, oldest publication first. */
  List<InvalidEvent> read(InvalidFilter filter) {
    List<InvalidEvent> events = new ArrayList<>();
    topicReader().read(kafka.topics().invalidEvents().name(), r -> {
      InvalidEvent e = InvalidEvent.of(r);
      if (filter.matches(e)) {
        events.add(e);
      }
    });
    events.sort(Comparator.comparing(InvalidEvent::publishedAt).thenComparing(InvalidEvent::partition)
        .thenComparingLong(InvalidEvent::offset));
    return events;
  }
}
