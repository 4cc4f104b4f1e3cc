package dev.notifier.streams.policy;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * What a recipient's mail is paced by — time zone, quiet hours, daily cap (0 = none), and when
 * their scheduled digests go out — as given at one level: the user's own preferences, the rule's
 * defaults, the team's, the file's. A null field means "not said here"; {@link #orElse} fills it
 * from the next level down.
 */
public record RecipientSettings(ZoneId zone, QuietHours quietHours, Integer dailyCap, LocalTime digestAt,
    DayOfWeek weeklyOn) {

  public static final RecipientSettings UNSET = new RecipientSettings(null, null, null, null, null);

  /** When the rules file says nothing: UTC, no quiet hours, no cap, digests at 09:00 and on Monday. */
  public static final RecipientSettings BUILT_IN = new RecipientSettings(ZoneOffset.UTC, QuietHours.NONE, 0,
      LocalTime.of(9, 0), DayOfWeek.MONDAY);

  /** This level, with what it leaves unsaid taken from {@code lower}. */
  public RecipientSettings orElse(RecipientSettings lower) {
    return new RecipientSettings(zone != null ? zone : lower.zone,
        quietHours != null ? quietHours : lower.quietHours, dailyCap != null ? dailyCap : lower.dailyCap,
        digestAt != null ? digestAt : lower.digestAt, weeklyOn != null ? weeklyOn : lower.weeklyOn);
  }
}
