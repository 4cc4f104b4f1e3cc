package dev.notifier.sender.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The instants at which a simulation sent, and the most found in any sliding window. */
final class SendLog {

  private final List<Instant> sends = new ArrayList<>();

  void add(Instant instant) {
    sends.add(instant);
  }

  int size() {
    return sends.size();
  }

  /** The most sends in any half-open window {@code [t, t + window)}. */
  int maxInAnyWindow(Duration window) {
    List<Instant> sorted = new ArrayList<>(sends);
    Collections.sort(sorted);
    int max = 0;
    int end = 0;
    for (int start = 0; start < sorted.size(); start++) {
      Instant limit = sorted.get(start).plus(window);
      while (end < sorted.size() && sorted.get(end).isBefore(limit)) {
        end++;
      }
      max = Math.max(max, end - start);
    }
    return max;
  }

  /** Sends in {@code [from, to)}. */
  long between(Instant from, Instant to) {
    return sends.stream().filter(s -> !s.isBefore(from) && s.isBefore(to)).count();
  }
}
