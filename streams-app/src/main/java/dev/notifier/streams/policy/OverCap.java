package dev.notifier.streams.policy;

/** What happens to mail over the recipient's daily cap: folded into the next digest, or skipped. */
public enum OverCap {
  /** Into the recipient's over-cap digest, sent when their next day starts (ledger: DIGESTED, reason capped). */
  DIGEST,
  /** Not sent (ledger: SKIPPED, reason capped). */
  SKIP
}
