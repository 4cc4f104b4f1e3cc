package dev.notifier.cli.demo;

import java.util.Map;

/** What the demo saw, as printed at its end and checked by its test. */
public record DemoSummary(int eventsIn, long invalid, long sent, long smtpReceived, Map<String, Long> skipped,
    long duplicatesDropped, long dead, boolean settled) {

  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The demo succeeded: everything settled and every SENT notification reached the SMTP server. */
  public boolean ok() {
    return settled && sent == smtpReceived && sent > 0;
  }
}
