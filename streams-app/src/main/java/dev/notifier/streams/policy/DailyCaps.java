package dev.notifier.streams.policy;

import java.time.LocalDate;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Mails sent to each recipient on their current calendar day (in their time zone), across all
 * templates and event sources: one entry per recipient, {@code <date> <count>}, replaced when
 * their day changes — so the store never holds more than one entry per recipient.
 */
final class DailyCaps {

  private final KeyValueStore<String, String> counts;

  DailyCaps(KeyValueStore<String, String> counts) {
    this.counts = counts;
  }

  /** Whether {@code recipient} has had {@code cap} mails on {@code day} ({@code cap} 0: never). */
  boolean reached(String recipient, LocalDate day, int cap) {
    return cap > 0 && count(recipient, day) >= cap;
  }

  void add(String recipient, LocalDate day) {
    counts.put(recipient, day + " " + (count(recipient, day) + 1));
  }

  private int count(String recipient, LocalDate day) {
    String entry = counts.get(recipient);
    if (entry == null || !entry.startsWith(day + " ")) {
      return 0;
    }
    return Integer.parseInt(entry.substring(entry.indexOf(' ') + 1));
  }
}
