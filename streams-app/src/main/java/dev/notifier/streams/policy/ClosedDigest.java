package dev.notifier.streams.policy;

import dev.notifier.avro.Priority;
import dev.notifier.avro.internal.Candidate;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A digest due to be sent: its id (the notification id it is sent as), its pseudo event id, why it
 * exists (digest, capped), its items oldest first, when it opened and closed, and the template,
 * priority, expiry and recipient time zone it is rendered and sent with.
 */
public record ClosedDigest(String digestId, String eventId, String reason, List<Candidate> items, Instant openedAt,
    Instant closedAt, String template, Priority priority, Instant expiresAt, ZoneId zone) implements PolicyOutcome {

  public ClosedDigest {
    items = List.copyOf(items);
  }

  /** The latest item: its recipient details (name, locale, role) are the ones the digest is sent with. */
  public Candidate latest() {
    return items.get(items.size() - 1);
  }
}
