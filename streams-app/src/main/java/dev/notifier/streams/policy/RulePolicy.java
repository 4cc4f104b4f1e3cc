package dev.notifier.streams.policy;

import dev.notifier.avro.Priority;
import java.time.Duration;

/**
 * A rule's policy attributes from the rules file: its priority; how long its mail is worth
 * sending ({@code expiresAfter}, null: the priority's default); its digest (null: none); whether
 * it waits out quiet hours and counts against the daily cap, and what happens over the cap; and
 * its defaults for recipients who set nothing themselves.
 */
public record RulePolicy(Priority priority, Duration expiresAfter, DigestSpec digest, boolean respectQuietHours,
    boolean capped, OverCap overCap, RecipientSettings recipient) {

  /** A rule that says nothing about policy: normal priority, no digest, quiet hours and cap respected. */
  public static final RulePolicy NORMAL = new RulePolicy(Priority.NORMAL, null, null, true, true, OverCap.DIGEST,
      RecipientSettings.UNSET);
}
