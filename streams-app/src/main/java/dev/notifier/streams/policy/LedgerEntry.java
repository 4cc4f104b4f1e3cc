package dev.notifier.streams.policy;

import dev.notifier.avro.DeliveryStatus;

/** A policy decision for the ledger: DIGESTED, DEFERRED or SKIPPED (capped). */
public record LedgerEntry(DeliveryStatus status) implements PolicyOutcome {
}
