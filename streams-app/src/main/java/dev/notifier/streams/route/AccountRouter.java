package dev.notifier.streams.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the sender account for a notification: the team's default account, else the system
 * default. One default per team and one system-wide, as in call-centre mail settings. A disabled
 * account is never chosen: its teams fall back to the system default, and a disabled (or missing)
 * system default stops start-up.
 */
public final class AccountRouter {

  private final Map<String, String> teamDefaults;
  private final String systemDefault;

  private AccountRouter(Map<String, String> teamDefaults, String systemDefault) {
    this.teamDefaults = Map.copyOf(teamDefaults);
    this.systemDefault = systemDefault;
  }

  /** Routes every notification to one account (tests, the demo, a single-account deployment). */
  public static AccountRouter single(String accountId) {
    return new AccountRouter(Map.of(), accountId);
  }

  /** Builds the router from the configured accounts, refusing ambiguous or unusable routing. */
  public static AccountRouter of(List<AccountRoute> accounts) {
    List<String> systemDefaults = new ArrayList<>();
    Map<String, String> teamDefaults = new HashMap<>();
    for (AccountRoute account : accounts) {
      if (account.systemDefault()) {
        systemDefaults.add(account.id());
        if (!account.enabled()) {
          throw new IllegalArgumentException("account '" + account.id() + "' is the system default but is disabled: "
              + "enable it or make an enabled account the system default");
        }
      }
      if (!account.enabled()) {
        continue;
      }
      for (String team : account.teams()) {
        String previous = teamDefaults.put(team, account.id());
        if (previous != null) {
          throw new IllegalArgumentException("team '" + team + "' has two default accounts, '" + previous + "' and '"
              + account.id() + "': keep the team in one account's teams list");
        }
      }
    }
    if (systemDefaults.size() != 1) {
      throw new IllegalArgumentException("exactly one account must have systemDefault: true, but "
          + (systemDefaults.isEmpty() ? "none has" : systemDefaults + " have") + " it");
    }
    return new AccountRouter(teamDefaults, systemDefaults.get(0));
  }

  public String accountFor(String team) {
    return team == null ? systemDefault : teamDefaults.getOrDefault(team, systemDefault);
  }
}
