package dev.notifier.streams.parse;

import dev.notifier.avro.DomainEvent;

/** What parsing one record gave: an event, or the raw bytes and why they were refused. */
public record ParseResult(DomainEvent event, byte[] raw, String reason, String message) {

  public static ParseResult parsed(DomainEvent event) {
    return new ParseResult(event, null, null, null);
  }

  public static ParseResult invalid(byte[] raw, String reason, String message) {
    return new ParseResult(null, raw, reason, message);
  }

  public boolean isValid() {
    return event != null;
  }
}
