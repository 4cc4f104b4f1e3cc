package dev.notifier.streams.expand;

import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.NotificationIds;

/** Copies of candidates that share the event instead of cloning it. */
public final class Candidates {

  private Candidates() {
  }

  /**
   * A builder holding {@code c}'s values. Unlike {@code Candidate.newBuilder(c)}, which deep-copies
   * the whole event for every recipient, the event is shared: candidates are never mutated.
   */
  public static Candidate.Builder from(Candidate c) {
    return Candidate.newBuilder()
        .setEvent(c.getEvent())
        .setRole(c.getRole())
        .setUserId(c.getUserId())
        .setEmail(c.getEmail())
        .setName(c.getName())
        .setLocale(c.getLocale())
        .setTimeZone(c.getTimeZone())
        .setTemplate(c.getTemplate())
        .setSkipReason(c.getSkipReason())
        .setSkipDetail(c.getSkipDetail())
        .setNotifyActor(c.getNotifyActor())
        .setPreferences(c.getPreferences());
  }

  /** The notification id of a candidate: by address when it has one, else by user (its ledger key). */
  public static String notificationId(Candidate c) {
    String eventId = c.getEvent().getEventId();
    if (c.getEmail() != null && !c.getEmail().isBlank()) {
      return NotificationIds.forAddress(eventId, c.getEmail(), c.getTemplate());
    }
    String who = c.getUserId() != null ? c.getUserId() : c.getRole();
    return NotificationIds.forUser(eventId, who, c.getTemplate());
  }
}
