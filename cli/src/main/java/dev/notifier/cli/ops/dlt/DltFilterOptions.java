package dev.notifier.cli.ops.dlt;

import dev.notifier.cli.ops.TimeArgs;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/** The filter options shared by {@code dlt stats|list|export|replay}; each takes a comma-separated list. */
public final class DltFilterOptions {

  @Option(names = "--account", split = ",", paramLabel = "ID", description = "sender account id(s)")
  List<String> accounts;

  @Option(names = "--class", split = ",", paramLabel = "CLASS",
      description = "failure class(es): DEAD_RECIPIENT, PERMANENT, INVALID_MESSAGE, UNKNOWN_ACCOUNT, EXPIRED, "
          + "MALFORMED_HEADERS, UNDECODABLE, POLICY")
  List<String> classes;

  @Option(names = "--code", split = ",", paramLabel = "CODE", description = "reply code(s) (550) or enhanced code(s) (5.1.1)")
  List<String> codes;

  @Option(names = "--event-type", split = ",", paramLabel = "TYPE", description = "event type(s), e.g. bug.assigned")
  List<String> eventTypes;

  @Option(names = "--to", split = ",", paramLabel = "ADDRESS", description = "recipient address(es)")
  List<String> recipients;

  @Option(names = "--domain", split = ",", paramLabel = "DOMAIN", description = "recipient domain(s), e.g. example.org")
  List<String> domains;

  @Option(names = "--id", split = ",", paramLabel = "NOTIFICATION_ID", description = "notification id(s)")
  List<String> ids;

  @Option(names = "--event", split = ",", paramLabel = "EVENT_ID", description = "event id(s)")
  List<String> events;

  @Option(names = "--template", split = ",", paramLabel = "TEMPLATE", description = "template id(s), e.g. bug")
  List<String> templates;

  @Option(names = "--attempts", split = ",", paramLabel = "N", description = "failed after this many sends, e.g. 1")
  List<String> attempts;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "failed at or after: an ISO instant (2026-11-21T10:00:00Z) or a duration ago (2h, 7d)")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "failed before: an ISO instant or a duration ago")
  String until;

  public DltFilter filter(Instant now) {
    TimeArgs.Range range = TimeArgs.range(since, until, now);
    return new DltFilter(DltFilter.set(accounts), DltFilter.set(classes), DltFilter.set(codes),
        DltFilter.set(eventTypes), DltFilter.set(recipients), DltFilter.set(domains), DltFilter.set(ids),
        DltFilter.set(events), DltFilter.set(templates), DltFilter.set(attempts), range.from(), range.to());
  }
}
