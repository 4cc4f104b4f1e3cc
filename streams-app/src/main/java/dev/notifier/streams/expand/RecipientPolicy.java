package dev.notifier.streams.expand;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.Party;
import dev.notifier.avro.User;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.schemas.NotificationIds;
import java.util.Objects;

/**
 * Decides, once the directory has been consulted, whether a candidate gets mail, and fills in
 * the address, name and locale it is mailed with. The order of checks is the order a person
 * would ask: is this the actor, do we know them, can we reach them, do they still work here.
 */
public final class RecipientPolicy {

  /** Resolves a directory candidate against its user entry ({@code null} when unknown). */
  public Candidate resolve(Candidate candidate, User user) {
    Candidate.Builder out = Candidates.from(candidate);
    if (user != null) {
      out.setName(user.getDisplayName()).setLocale(user.getLocale()).setTimeZone(user.getTimeZone())
          .setPreferences(user.getPreferences())
          .setEmail(user.getEmail() == null || user.getEmail().isBlank() ? null : user.getEmail().trim());
    }
    if (!candidate.getNotifyActor() && isActor(candidate.getEvent(), candidate.getUserId(), out.getEmail())) {
      return skip(out, SkipReason.ACTOR, "user '" + candidate.getUserId() + "' is the actor of this event");
    }
    if (user == null) {
      return skip(out, SkipReason.UNKNOWN_USER, "user '" + candidate.getUserId() + "' is not in the directory");
    }
    if (out.getEmail() == null) {
      return skip(out, SkipReason.NO_EMAIL, "user '" + user.getUserId() + "' has no email address");
    }
    if (!user.getActive()) {
      return skip(out, SkipReason.INACTIVE, "user '" + user.getUserId() + "' is inactive (departed)");
    }
    String optOut = optOutMatching(user, candidate.getEvent().getType());
    if (optOut != null) {
      return skip(out, SkipReason.OPTED_OUT, "user '" + user.getUserId() + "' opted out of " + optOut);
    }
    return out.build();
  }

  /** Resolves a candidate given directly by address. */
  public Candidate resolveDirect(Candidate candidate) {
    Candidate.Builder out = Candidates.from(candidate);
    if (!candidate.getNotifyActor() && isActor(candidate.getEvent(), null, candidate.getEmail())) {
      return skip(out, SkipReason.ACTOR, "address '" + candidate.getEmail() + "' is the actor of this event");
    }
    return out.setEmail(candidate.getEmail().trim()).build();
  }

  /** A candidate naming a group the directory does not know. */
  public Candidate unknownGroup(Candidate candidate) {
    return skip(Candidates.from(candidate), SkipReason.UNKNOWN_GROUP,
        "group '" + candidate.getRole().substring("group:".length()) + "' is not in the directory");
  }

  /** The user's first opt-out pattern that matches the event type, or null. */
  private static String optOutMatching(User user, String eventType) {
    for (String pattern : user.getOptOut()) {
      if (!pattern.isBlank() && Glob.of(pattern.trim()).matches(eventType)) {
        return pattern.trim();
      }
    }
    return null;
  }

  private static boolean isActor(DomainEvent event, String userId, String email) {
    Party actor = event.getActor();
    if (actor == null) {
      return false;
    }
    if (userId != null && Objects.equals(actor.getUserId(), userId)) {
      return true;
    }
    return email != null && actor.getEmail() != null
        && NotificationIds.normalize(actor.getEmail()).equals(NotificationIds.normalize(email));
  }

  private static Candidate skip(Candidate.Builder out, SkipReason reason, String detail) {
    return out.setSkipReason(reason.code()).setSkipDetail(detail).build();
  }
}
