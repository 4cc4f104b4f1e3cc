package dev.notifier.streams.feedback;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The {@code streams.suppressions} section of a notifier config: which feedback suppresses an
 * address, for how long, and what a suppression does not stop.
 *
 * <ul>
 *   <li>a hard bounce suppresses at once, for {@code hardBounceFor} (default: until removed);
 *   <li>soft bounces suppress when {@code softBounces} of them (default 3) fall within
 *       {@code softBounceWindow} (default 7 days), for {@code softBounceFor} (default 30 days). The
 *       count decays: a soft bounce older than the window no longer counts;
 *   <li>a complaint suppresses at once, for {@code complaintFor} (default: until removed);
 *   <li>an unsubscribe suppresses the category it names (a template id or event-type glob), or all
 *       mail when it names none, until removed;
 *   <li>{@code exemptCritical} (default true): mail of a {@code priority: critical} rule (a password
 *       reset) still goes to a suppressed address — the person asked for it just now.
 * </ul>
 *
 * @param exemptCritical critical rules ignore suppressions
 * @param softBounces how many soft bounces within the window suppress
 * @param softBounceWindow how far back soft bounces count, ISO-8601
 * @param softBounceFor how long soft bounces suppress
 * @param hardBounceFor how long a hard bounce suppresses; null: until removed
 * @param complaintFor how long a complaint suppresses; null: until removed
 */
public record SuppressionPolicy(
    @JsonProperty("exemptCritical") Boolean exemptCritical,
    @JsonProperty("softBounces") Integer softBounces,
    @JsonProperty("softBounceWindow") Duration softBounceWindow,
    @JsonProperty("softBounceFor") Duration softBounceFor,
    @JsonProperty("hardBounceFor") Duration hardBounceFor,
    @JsonProperty("complaintFor") Duration complaintFor) {

  public static final SuppressionPolicy DEFAULTS = new SuppressionPolicy(null, null, null, null, null, null);

  public SuppressionPolicy {
    exemptCritical = exemptCritical == null ? Boolean.TRUE : exemptCritical;
    softBounces = softBounces == null ? 3 : softBounces;
    if (softBounces < 1) {
      throw new IllegalArgumentException("streams.suppressions.softBounces is " + softBounces
          + ": it must be at least 1 (default 3 within softBounceWindow)");
    }
    softBounceWindow = positive("softBounceWindow", softBounceWindow, Duration.ofDays(7));
    softBounceFor = positive("softBounceFor", softBounceFor, Duration.ofDays(30));
    hardBounceFor = hardBounceFor == null ? null : positive("hardBounceFor", hardBounceFor, null);
    complaintFor = complaintFor == null ? null : positive("complaintFor", complaintFor, null);
  }

  private static Duration positive(String name, Duration value, Duration otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("streams.suppressions." + name + " is " + value
          + ": it must be positive, e.g. P7D for 7 days");
    }
    return value;
  }

  /** With {@code n} soft bounces within {@code window} suppressing. */
  public SuppressionPolicy withSoftBounces(int n, Duration window) {
    return new SuppressionPolicy(exemptCritical, n, window, softBounceFor, hardBounceFor, complaintFor);
  }

  /** With critical rules exempt or not. */
  public SuppressionPolicy withExemptCritical(boolean exempt) {
    return new SuppressionPolicy(exempt, softBounces, softBounceWindow, softBounceFor, hardBounceFor, complaintFor);
  }
}
