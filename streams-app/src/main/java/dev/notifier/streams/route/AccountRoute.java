package dev.notifier.streams.route;

import java.util.List;

/**
 * What routing needs to know of a sender account: its id, the teams it is the default for,
 * whether it is the system-wide default, and whether it is enabled.
 */
public record AccountRoute(String id, List<String> teams, boolean systemDefault, boolean enabled) {

  public AccountRoute {
    teams = teams == null ? List.of() : List.copyOf(teams);
  }
}
