package dev.notifier.cli.demo;

import java.util.Map;

/**
 * What the demo saw, as printed at its end and checked by its test.
 *
 * @param digests digest id → how many notifications went into it
 * @param held notifications held in their recipient's quiet hours
 * @param backlog bulk mails published before the critical one
 * @param bulkBeforeCritical how many of them reached the server before it (-1: it did not arrive)
 */
public record DemoSummary(int eventsIn, long invalid, long sent, long smtpReceived, Map<String, Long> skipped,
    long duplicatesDropped, long dead, Map<String, Long> digests, long held, int backlog, int bulkBeforeCritical,
    boolean settled) {

  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The demo succeeded: everything settled and every SENT notification reached the SMTP server. */
  public boolean ok() {
    return settled && sent == smtpReceived && sent > 0;
  }
}
