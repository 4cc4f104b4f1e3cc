package dev.notifier.streams.policy;

import dev.notifier.avro.DeliveryState;
import dev.notifier.avro.DeliveryStatus;
import dev.notifier.avro.internal.Candidate;
import dev.notifier.streams.expand.Candidates;
import java.time.Instant;
import java.time.ZoneId;

/** The ledger entries of the policy stage's decisions, keyed like every status by notification id. */
final class PolicyStatuses {

  /** The reason of mail folded into a digest because of the daily cap, or skipped for it. */
  static final String CAPPED = "capped";
  static final String DIGEST = "digest";
  static final String QUIET_HOURS = "quiet-hours";

  private PolicyStatuses() {
  }

  static DeliveryStatus digested(Candidate c, String digestId, String reason, Instant dueAt, ZoneId zone, Instant at) {
    return base(c, DeliveryState.DIGESTED, reason, "in digest " + digestId + (CAPPED.equals(reason)
        ? " (over the recipient's daily cap)" : "") + ", due " + dueAt.atZone(zone), at).setDigestId(digestId).build();
  }

  static DeliveryStatus deferred(Candidate c, Instant releaseAt, QuietHours quiet, ZoneId zone, Instant at) {
    return base(c, DeliveryState.DEFERRED, QUIET_HOURS, "held in the recipient's quiet hours " + quiet
        + " until " + releaseAt.atZone(zone), at).setReleaseAt(releaseAt).build();
  }

  static DeliveryStatus capped(Candidate c, int cap, Instant at) {
    return base(c, DeliveryState.SKIPPED, CAPPED, "the recipient's daily cap of " + cap
        + " mails is reached and the rule says overCap: skip", at).build();
  }

  private static DeliveryStatus.Builder base(Candidate c, DeliveryState state, String reason, String detail,
      Instant at) {
    return DeliveryStatus.newBuilder()
        .setNotificationId(Candidates.notificationId(c))
        .setEventId(c.getEvent().getEventId())
        .setEventType(c.getEvent().getType())
        .setUserId(c.getUserId())
        .setEmail(c.getEmail())
        .setState(state)
        .setReason(reason)
        .setDetail(detail)
        .setAt(at);
  }
}
