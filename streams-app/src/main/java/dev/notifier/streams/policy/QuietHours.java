package dev.notifier.streams.policy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A recipient's quiet hours: mail falling in one of the spans is held until the next time that
 * lies in none, computed in the recipient's time zone. Local times are turned into instants by
 * {@link ZonedDateTime}, so a span ending at a time a DST jump skips ends at the first instant
 * after the jump, and one ending in the repeated hour ends at its first occurrence.
 */
public record QuietHours(List<QuietSpan> spans) {

  public static final QuietHours NONE = new QuietHours(List.of());

  /** Adjacent spans (22:00–08:00 and 08:00–09:00) are followed this many times at most. */
  private static final int MAX_CHAINED = 14;

  public QuietHours {
    spans = List.copyOf(spans);
  }

  /** When mail due at {@code at} may go out: empty if {@code at} is outside every span. */
  public Optional<Instant> releaseOf(Instant at, ZoneId zone) {
    ZonedDateTime open = at.atZone(zone);
    boolean held = false;
    for (int i = 0; i < MAX_CHAINED; i++) {
      ZonedDateTime end = endOfSpanHolding(open, zone);
      if (end == null) {
        break;
      }
      held = true;
      open = end;
    }
    return held ? Optional.of(open.toInstant()) : Optional.empty();
  }

  private ZonedDateTime endOfSpanHolding(ZonedDateTime at, ZoneId zone) {
    ZonedDateTime latest = null;
    for (QuietSpan span : spans) {
      for (int back = 0; back <= 1; back++) {
        ZonedDateTime end = span.endIfHolding(at.toLocalDate().minusDays(back), at, zone);
        if (end != null && (latest == null || end.isAfter(latest))) {
          latest = end;
        }
      }
    }
    return latest;
  }

  @Override
  public String toString() {
    return spans.isEmpty() ? "none" : spans.toString();
  }
}
