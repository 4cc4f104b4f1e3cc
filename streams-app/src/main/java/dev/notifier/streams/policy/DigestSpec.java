package dev.notifier.streams.policy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/**
 * How a rule (or a user's choice) batches notifications into a digest; see {@link DigestMode}.
 * {@code every} is the FIXED window, {@code gap}/{@code max} the IDLE limits, {@code at}/{@code on}
 * the DAILY/WEEKLY schedule (local time in the recipient's zone; DST handled by
 * {@link ZonedDateTime}: a 09:00 that exists is 09:00, a time skipped by a DST jump moves later).
 * A digest closes early at {@code maxItems}; with {@code flushFirst} the item that opens it is sent
 * at once and the digest gathers the rest.
 */
public record DigestSpec(DigestMode mode, Duration every, Duration gap, Duration max, LocalTime at, DayOfWeek on,
    int maxItems, boolean flushFirst, DigestKey key, String template) {

  /** Items one digest holds at most, whatever the rule says: the store's record must stay far below 1 MB. */
  public static final int MAX_ITEMS = 200;
  /** The template digests are rendered with unless the rule names another. */
  public static final String DEFAULT_TEMPLATE = "digest";

  /** The recipient's mail over the daily cap: one digest, sent when their next day starts. */
  public static DigestSpec overCap() {
    return new DigestSpec(DigestMode.DAILY, null, null, null, LocalTime.MIDNIGHT, null, MAX_ITEMS, false,
        DigestKey.OVER_CAP, DEFAULT_TEMPLATE);
  }

  /** A user's {@code daily}/{@code weekly} choice, scheduled at their digest time and weekday. */
  public static DigestSpec scheduled(DigestMode mode, LocalTime at, DayOfWeek on, DigestKey key) {
    return new DigestSpec(mode, null, null, null, at, on, MAX_ITEMS, false, key, DEFAULT_TEMPLATE);
  }

  /** This spec with an unsaid schedule time or weekday taken from the recipient's settings. */
  public DigestSpec withSchedule(LocalTime defaultAt, DayOfWeek defaultOn) {
    return at != null && on != null ? this : new DigestSpec(mode, every, gap, max, at != null ? at : defaultAt,
        on != null ? on : defaultOn, maxItems, flushFirst, key, template);
  }

  /** When a digest opened at {@code openedAt} whose latest item came at {@code lastItemAt} is due. */
  public Instant dueAt(Instant openedAt, Instant lastItemAt, ZoneId zone) {
    return switch (mode) {
      case FIXED -> openedAt.plus(every);
      case IDLE -> min(lastItemAt.plus(gap), openedAt.plus(max));
      case DAILY -> nextDaily(openedAt, zone);
      case WEEKLY -> nextWeekly(openedAt, zone);
    };
  }

  /** Items at which the digest closes early. */
  public int itemLimit() {
    return Math.min(maxItems, MAX_ITEMS);
  }

  private Instant nextDaily(Instant after, ZoneId zone) {
    ZonedDateTime local = after.atZone(zone);
    ZonedDateTime candidate = local.toLocalDate().atTime(at).atZone(zone);
    return (candidate.toInstant().isAfter(after) ? candidate : local.toLocalDate().plusDays(1).atTime(at)
        .atZone(zone)).toInstant();
  }

  private Instant nextWeekly(Instant after, ZoneId zone) {
    ZonedDateTime local = after.atZone(zone);
    ZonedDateTime candidate = local.toLocalDate().with(TemporalAdjusters.nextOrSame(on)).atTime(at).atZone(zone);
    return (candidate.toInstant().isAfter(after) ? candidate
        : local.toLocalDate().with(TemporalAdjusters.next(on)).atTime(at).atZone(zone)).toInstant();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
