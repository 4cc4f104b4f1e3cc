package dev.notifier.schemas;

/**
 * The provenance headers a replayed notification carries on the send topic: which dead letter it
 * came from (topic, partition, offset), when, by whom and why. They are the only headers it
 * carries: no retry headers, so the worker gives it a fresh attempt budget, and no
 * {@code notifier.original.*}, so a new failure points at the replayed record. Written by
 * {@code notifier dlt replay}; a worker reads {@link #AT} (and carries it through the retry tiers) to time the
 * replayed mail's delivery delay from the replay, not from when the notification was first made.
 */
public final class ReplayHeaders {

  public static final String FROM_TOPIC = "notifier.replay.from-topic";
  public static final String FROM_PARTITION = "notifier.replay.from-partition";
  public static final String FROM_OFFSET = "notifier.replay.from-offset";
  /** When it was replayed, as an ISO-8601 instant ({@code 2026-12-07T05:30:00.123Z}). */
  public static final String AT = "notifier.replay.at";
  /** The Kafka principal that wrote the replay (the cluster authenticated and authorized it). */
  public static final String BY = "notifier.replay.by";
  /** The operating-system user who ran the command, beside the principal. */
  public static final String OS_USER = "notifier.replay.os-user";
  /** How many times this notification has been replayed, this replay included. */
  public static final String COUNT = "notifier.replay.count";
  public static final String REASON = "notifier.replay.reason";

  /** The ledger reason of the QUEUED status a replay writes. */
  public static final String LEDGER_REASON = "replayed";

  private ReplayHeaders() {
  }
}
