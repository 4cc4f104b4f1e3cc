package dev.notifier.cli.management;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a process says about itself on {@link Management#LIVENESS_PATH} and
 * {@link Management#READINESS_PATH}. Live: not wedged, no restart needed. Ready: doing its job, so
 * traffic and rollouts may proceed. Both are asked on every request and every scrape, so they must
 * answer at once from state the process already keeps.
 */
public interface Health {

  Status live();

  Status ready();

  /** Live and ready only when every part is; the reasons of the parts that are not, joined. */
  static Health all(List<Health> parts) {
    List<Health> copy = List.copyOf(parts);
    return new Health() {
      @Override
      public Status live() {
        return Status.combine(copy.stream().map(Health::live).collect(Collectors.toList()));
      }

      @Override
      public Status ready() {
        return Status.combine(copy.stream().map(Health::ready).collect(Collectors.toList()));
      }
    };
  }

  /**
   * One answer: up or down, and why it is down (shown after {@code "not ready: "} or
   * {@code "not live: "}; never a secret or an address).
   */
  record Status(boolean ok, String reason) {

    private static final Status UP = new Status(true, "");

    public static Status up() {
      return UP;
    }

    /** Up, with a note a person should see (e.g. a standby worker). */
    public static Status up(String note) {
      return new Status(true, note);
    }

    public static Status down(String reason) {
      return new Status(false, reason);
    }

    static Status combine(List<Status> parts) {
      List<String> reasons = parts.stream().filter(s -> !s.ok()).map(Status::reason).collect(Collectors.toList());
      return reasons.isEmpty() ? UP : down(String.join("; ", reasons));
    }
  }
}
