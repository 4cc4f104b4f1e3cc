package dev.notifier.streams.policy;

/**
 * What the policy stage hands on: a notification to render and send now ({@link Release}), a
 * digest that closed ({@link ClosedDigest}), or a ledger entry for a decision ({@link LedgerEntry}).
 */
public sealed interface PolicyOutcome permits Release, ClosedDigest, LedgerEntry {
}
