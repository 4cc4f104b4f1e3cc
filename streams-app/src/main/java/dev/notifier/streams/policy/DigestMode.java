package dev.notifier.streams.policy;

/**
 * When a digest is due, counted from its first item: {@code FIXED} a fixed time after it;
 * {@code IDLE} after a gap without a new item, but at most a maximum after the first (Jira's 3/10);
 * {@code DAILY} and {@code WEEKLY} at the next scheduled local time in the recipient's time zone.
 * A count cap ({@code maxItems}) and sending the leading item at once ({@code flushFirst}) combine
 * with every mode.
 */
public enum DigestMode {
  FIXED, IDLE, DAILY, WEEKLY
}
