package dev.notifier.streams.policy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * One span of quiet hours in local time: from {@code start} on one of {@code days} (every day when
 * empty) until {@code end} — the same day, or the next when {@code end} is not after {@code start}
 * (22:00–08:00).
 */
public record QuietSpan(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

  public QuietSpan {
    days = Set.copyOf(days);
  }

  /** The span's end as an instant if it started on {@code day} and holds {@code at}; null otherwise. */
  ZonedDateTime endIfHolding(LocalDate day, ZonedDateTime at, ZoneId zone) {
    if (!days.isEmpty() && !days.contains(day.getDayOfWeek())) {
      return null;
    }
    ZonedDateTime from = day.atTime(start).atZone(zone);
    ZonedDateTime until = (end.isAfter(start) ? day : day.plusDays(1)).atTime(end).atZone(zone);
    return !at.isBefore(from) && at.isBefore(until) ? until : null;
  }

  @Override
  public String toString() {
    return (days.isEmpty() ? "" : days + " ") + start + "–" + end;
  }
}
