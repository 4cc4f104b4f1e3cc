package dev.notifier.streams.policy;

import dev.notifier.avro.DomainEvent;
import dev.notifier.avro.internal.Candidate;

/**
 * What one digest collects for one recipient: the notifications about one subject entity (Bug #42),
 * of one template, or of one event type. {@code OVER_CAP} is the recipient's single digest for mail
 * over the daily cap.
 */
public enum DigestKey {
  SUBJECT, TEMPLATE, EVENT_TYPE, OVER_CAP;

  /** The key's value for {@code c}, e.g. {@code subject:bug:42}. */
  public String of(Candidate c) {
    DomainEvent e = c.getEvent();
    return switch (this) {
      case SUBJECT -> "subject:" + e.getSubject().getKind() + ":" + e.getSubject().getId();
      case TEMPLATE -> "template:" + c.getTemplate();
      case EVENT_TYPE -> "type:" + e.getType();
      case OVER_CAP -> "over-cap";
    };
  }
}
