package dev.notifier.streams.policy;

import dev.notifier.avro.Priority;
import dev.notifier.avro.internal.Candidate;
import java.time.Instant;

/** A notification to render and send now ({@code at}), with the priority and expiry it travels with. */
public record Release(Candidate candidate, Priority priority, Instant at, Instant expiresAt) implements PolicyOutcome {
}
