package dev.notifier.cli.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Who is logged in, and whether they may replay. */
public record ConsoleUser(String name, Role role) {

  public enum Role {
    /** Reads dead letters, the ledger and the accounts. */
    VIEWER,
    /** A viewer who may also replay dead letters. */
    REPLAYER
  }

  public boolean mayReplay() {
    return role == Role.REPLAYER;
  }

  /** A user of the {@code console.users} list. */
  public record Configured(
      @JsonProperty("name") String name,
      @JsonProperty("passwordHash") String passwordHash,
      @JsonProperty("role") String role) {

    public Configured {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("console.users has a user without a name");
      }
      if (passwordHash == null || !passwordHash.startsWith(Passwords.PREFIX)) {
        throw new IllegalArgumentException("console.users[" + name + "].passwordHash is not a hash from `notifier "
            + "console --hash-password` (it starts with " + Passwords.PREFIX + "); never put a password here");
      }
      role = role == null ? "viewer" : role.strip().toLowerCase(Locale.ROOT);
      if (!role.equals("viewer") && !role.equals("replayer")) {
        throw new IllegalArgumentException("console.users[" + name + "].role is '" + role + "': use viewer or "
            + "replayer");
      }
    }

    Role parsedRole() {
      return role.equals("replayer") ? Role.REPLAYER : Role.VIEWER;
    }
  }
}
