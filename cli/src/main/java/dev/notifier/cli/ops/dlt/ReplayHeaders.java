package dev.notifier.cli.ops.dlt;

/**
 * The provenance headers a replayed notification carries on the send topic: which dead letter it
 * came from (topic, partition, offset), when, by whom and why. They are the only headers it
 * carries: no retry headers, so the worker gives it a fresh attempt budget, and no
 * {@code notifier.original.*}, so a new failure points at the replayed record.
 */
public final class ReplayHeaders {

  public static final String FROM_TOPIC = "notifier.replay.from-topic";
  public static final String FROM_PARTITION = "notifier.replay.from-partition";
  public static final String FROM_OFFSET = "notifier.replay.from-offset";
  public static final String AT = "notifier.replay.at";
  public static final String BY = "notifier.replay.by";
  public static final String REASON = "notifier.replay.reason";

  /** The ledger reason of the QUEUED status a replay writes. */
  public static final String LEDGER_REASON = "replayed";

  private ReplayHeaders() {
  }
}
