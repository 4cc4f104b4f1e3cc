package dev.notifier.sender.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** How an SMTP connection is secured. */
public enum Security {
  /** TLS from the first byte (implicit TLS, "SSL"), usually port 465 or 994. */
  SSL,
  /** Plain connect, then STARTTLS, which is required: no mail goes out in clear. Usually 587 or 25. */
  STARTTLS,
  /** No TLS at all; only for a local relay or a test server. */
  NONE;

  /** The security an account gets when it sets none: implicit TLS on 465 and 994, STARTTLS elsewhere. */
  public static Security defaultFor(int port) {
    return port == 465 || port == 994 ? SSL : STARTTLS;
  }

  @JsonCreator
  public static Security parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("security '" + value + "' is unknown: use ssl, starttls or none");
    }
  }
}
