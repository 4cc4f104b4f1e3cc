package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * Which SMTP client an account's connections use. {@link #AUTO}, the default, pipelines (RFC 2920)
 * when the server's EHLO reply offers PIPELINING and uses Angus Mail otherwise; the other two force
 * one client, e.g. {@code angus} for a server whose pipelining is known to be broken.
 */
public enum Transport {
  /** Pipelining where the server offers it, else Angus Mail; decided once per connection slot. */
  AUTO,
  /** Angus Mail: one command, one reply, four round trips per message. */
  ANGUS,
  /** The pipelining client; a server that does not offer PIPELINING gets one command at a time from it. */
  PIPELINING;

  @JsonCreator
  public static Transport parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("transport '" + value + "' is unknown: use auto (the default), angus or "
          + "pipelining");
    }
  }
}
