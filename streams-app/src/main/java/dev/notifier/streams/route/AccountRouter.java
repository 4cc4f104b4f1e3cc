package dev.notifier.streams.route;

import java.util.Map;

/**
 * Chooses the sender account for a notification: the team's default account, else the system
 * default. (One default per team, one system-wide, as in call-centre mail settings.)
 */
public final class AccountRouter {

  private final Map<String, String> teamDefaults;
  private final String systemDefault;

  public AccountRouter(Map<String, String> teamDefaults, String systemDefault) {
    this.teamDefaults = Map.copyOf(teamDefaults);
    this.systemDefault = systemDefault;
  }

  public String accountFor(String team) {
    return team == null ? systemDefault : teamDefaults.getOrDefault(team, systemDefault);
  }
}
