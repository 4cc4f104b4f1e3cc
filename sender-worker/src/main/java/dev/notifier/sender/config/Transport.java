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
    return parse(null, value);
  }

  /** The value of account {@code accountId}'s {@code transport} key; null when the key is not set. */
  public static Transport parse(String accountId, String value) {
    if (value == null) {
      return null;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((accountId == null ? "" : "accounts[" + accountId + "].") + "transport '"
          + value + "' is unknown: use auto (the default: pipelining where the server offers it), angus or pipelining");
    }
  }
}
