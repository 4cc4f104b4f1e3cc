package dev.notifier.streams.policy;

import dev.notifier.avro.Priority;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The policy one notification is handled by, resolved from its rule, its team and its recipient:
 * {@code digest} null means none; {@code quietHours} is {@link QuietHours#NONE} when the rule
 * ignores them; {@code dailyCap} is 0 when the rule is not capped or the recipient has no cap.
 */
public record Policy(Priority priority, Duration expiresAfter, DigestSpec digest, QuietHours quietHours,
    ZoneId zone, int dailyCap, OverCap overCap) {
}
