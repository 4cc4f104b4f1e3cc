package dev.notifier.streams.feedback;

import dev.notifier.avro.Feedback;
import dev.notifier.avro.Suppression;
import dev.notifier.avro.SuppressionReason;
import dev.notifier.schemas.NotificationIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one feedback record does to an address's suppression, by the {@link SuppressionPolicy}: a
 * pure function of the feedback, the suppression in force (null: none) and the address's recent
 * soft bounces, so it is tested without Kafka.
 *
 * <p>Merging with a suppression in force: its first-seen time stays, last-seen becomes the
 * feedback's time and its count grows. A suppression of all mail outranks one of some categories;
 * between two of all mail the one that lasts longer wins (a hard bounce turns a 30-day soft-bounce
 * suppression into a lasting one, never the other way round). An expired suppression counts as none.
 */
public final class FeedbackDecisions {

  /** The suppression to write (null: none) and the soft bounces to remember for the address. */
  public record Decision(Suppression suppression, List<Instant> softBounces) {
  }

  private final SuppressionPolicy policy;

  public FeedbackDecisions(SuppressionPolicy policy) {
    this.policy = policy;
  }

  public Decision decide(Feedback f, Suppression inForce, List<Instant> softBounces) {
    Instant at = f.getAt();
    Suppression current = inForce == null || (inForce.getExpiresAt() != null && !inForce.getExpiresAt().isAfter(at))
        ? null : inForce;
    return switch (f.getKind()) {
      case HARD_BOUNCE -> new Decision(merge(current, f, SuppressionReason.HARD_BOUNCE, List.of(),
          plus(at, policy.hardBounceFor())), List.of());
      case COMPLAINT -> new Decision(merge(current, f, SuppressionReason.COMPLAINT, List.of(),
          plus(at, policy.complaintFor())), softBounces);
      case UNSUBSCRIBE -> new Decision(merge(current, f, SuppressionReason.UNSUBSCRIBE,
          f.getCategory() == null || f.getCategory().isBlank() ? List.of() : List.of(f.getCategory().strip()), null),
          softBounces);
      case SOFT_BOUNCE -> softBounce(current, f, softBounces);
    };
  }

  /** Soft bounces within the window, this one included; enough of them suppress, and start the count afresh. */
  private Decision softBounce(Suppression current, Feedback f, List<Instant> earlier) {
    Instant since = f.getAt().minus(policy.softBounceWindow());
    List<Instant> recent = new ArrayList<>();
    for (Instant t : earlier) {
      if (t.isAfter(since)) {
        recent.add(t);
      }
    }
    recent.add(f.getAt());
    if (recent.size() < policy.softBounces()) {
      return new Decision(null, recent);
    }
    Suppression s = merge(current, f, SuppressionReason.SOFT_BOUNCES, List.of(), f.getAt().plus(policy.softBounceFor()));
    return new Decision(s, List.of());
  }

  private static Suppression merge(Suppression current, Feedback f, SuppressionReason reason, List<String> categories,
      Instant expiresAt) {
    String detail = detail(f);
    Suppression.Builder out = Suppression.newBuilder()
        .setAddress(NotificationIds.normalize(f.getAddress()))
        .setReason(reason).setCategories(categories).setSource(f.getSource()).setDetail(detail)
        .setNotificationId(f.getNotificationId()).setFirstSeen(f.getAt()).setLastSeen(f.getAt()).setCount(1)
        .setExpiresAt(expiresAt);
    if (current == null) {
      return out.build();
    }
    out.setFirstSeen(current.getFirstSeen()).setCount(current.getCount() + 1);
    boolean wasAll = current.getCategories().isEmpty();
    boolean isAll = categories.isEmpty();
    if (wasAll && (!isAll || !outlasts(expiresAt, current.getExpiresAt()))) {
      // what is in force stays, seen once more
      return out.setReason(current.getReason()).setCategories(List.of()).setSource(current.getSource())
          .setDetail(current.getDetail()).setNotificationId(current.getNotificationId())
          .setExpiresAt(current.getExpiresAt()).build();
    }
    if (!wasAll && !isAll) {
      Set<String> union = new LinkedHashSet<>(current.getCategories());
      union.addAll(categories);
      out.setCategories(new ArrayList<>(union));
    }
    return out.build();
  }

  /** Whether a suppression until {@code a} lasts at least as long as one until {@code b} (null: for ever). */
  private static boolean outlasts(Instant a, Instant b) {
    return a == null || (b != null && !a.isBefore(b));
  }

  private static Instant plus(Instant at, java.time.Duration d) {
    return d == null ? null : at.plus(d);
  }

  private static String detail(Feedback f) {
    StringBuilder b = new StringBuilder(f.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    String text = f.getDiagnostic() == null ? "" : f.getDiagnostic().strip();
    // a DSN's diagnostic quotes the whole reply, code first; a worker's is the reply's text alone
    boolean quoted = f.getReplyCode() != null && text.startsWith(String.valueOf(f.getReplyCode()));
    if (f.getReplyCode() != null && !quoted) {
      b.append(' ').append(f.getReplyCode());
    }
    if (f.getEnhancedCode() != null && !quoted) {
      b.append(' ').append(f.getEnhancedCode());
    }
    if (!text.isEmpty()) {
      b.append(": ").append(text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
    return b.toString();
  }
}
