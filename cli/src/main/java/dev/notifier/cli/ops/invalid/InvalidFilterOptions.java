package dev.notifier.cli.ops.invalid;

import dev.notifier.cli.ops.TimeArgs;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The filter options of {@code notifier invalid list|stats|republish}; each list is comma-separated. */
public final class InvalidFilterOptions {

  @Option(names = "--error", split = ",", paramLabel = "ERROR",
      description = "the topology's reason(s): too-large, empty, unknown-encoding, bad-json, not-an-object, bad-avro, "
          + "missing-field, wrong-type, bad-party, incompatible-schema, unknown-schema-id")
  List<String> errors;

  @Option(names = "--key", split = ",", paramLabel = "KEY", description = "record key(s), the event ids as published")
  List<String> keys;

  @Option(names = "--at", split = ",", paramLabel = "PARTITION:OFFSET",
      description = "position(s) on notifier.events.invalid, as the list shows them")
  List<String> positions;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "published at or after: an ISO instant (2026-11-21T10:00:00Z) or a duration ago (2h, 7d)")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "published before: an ISO instant or a duration ago")
  String until;

  InvalidFilter filter(Instant now) {
    TimeArgs.Range range = TimeArgs.range(since, until, now);
    if (positions != null) {
      positions.forEach(InvalidFilter::checkPosition);
    }
    return new InvalidFilter(set(errors), set(keys), set(positions), range.from(), range.to());
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : Set.copyOf(values.stream().map(String::strip).toList());
  }
}
