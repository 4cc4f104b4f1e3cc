package dev.notifier.sender.retry;

/**
 * What the sender does with a delivery after an attempt (DESIGN.md, "Fail well").
 *
 * <p>The set is kept small on purpose. A 5xx about the message's content (552 5.3.4 too big,
 * 554 5.7.1 refused as spam) is {@link #PERMANENT} rather than an action of its own: it ends the
 * same way as any other permanent refusal — a dead letter at once — and the classification's
 * {@code kind} ({@code message-too-big}, {@code message-refused}) tells the cases apart in metrics
 * and dead letters. {@link #INVALID_MESSAGE} is only for what was refused before any byte was sent.
 *
 * <p>A dead letter's failure class ({@code notifier dlt --class}) is the name of its action.
 */
public enum Action {
  /** The server accepted the message. */
  SENT,
  /** Transient (4xx, time-out, refused connection, provider rate limits): retry with backoff within the lifetime budget. */
  RETRY,
  /** The recipient is gone (unknown, disabled, permanently full): dead letter at once. */
  DEAD_RECIPIENT,
  /** The account is misconfigured (login, TLS, sender, DNS): the breaker opens and the account's mail waits. */
  ACCOUNT_ERROR,
  /** Refused before sending (e.g. CR/LF in a header): dead letter at once, fix the notification. */
  INVALID_MESSAGE,
  /** Any other permanent refusal, including content refused by the server: dead letter at once. */
  PERMANENT,
  /**
   * The notification breaks its account's sending policy (a recipient domain the account may not
   * mail, more recipients than it allows, or a sender the record asks for — the topology never
   * writes one): dead letter at once, never a send, nothing counted against the account.
   */
  POLICY,
  /** The notification names an account this worker does not have: dead letter at once, fix the config or the routing. */
  UNKNOWN_ACCOUNT,
  /**
   * No reply after the end of data (a time-out, a lost connection): the server may have queued the
   * message. Ledger status UNKNOWN; sent again only on the same account, after the account's
   * {@code unknownOutcomeRetry} (or never), and never failed over to another account.
   */
  UNKNOWN,
  /** The retries ran out (the lifetime budget, or {@code maxAttempts}): dead letter. */
  EXPIRED,
  /** The record's retry headers cannot be read: dead letter at once, never a crash of the poll loop. */
  MALFORMED_HEADERS,
  /**
   * The record's value is in no schema this worker knows (garbage, or a newer release whose schema is
   * not in the schema topic): dead letter with the raw bytes, replayable once a worker can read it.
   */
  UNDECODABLE
}
