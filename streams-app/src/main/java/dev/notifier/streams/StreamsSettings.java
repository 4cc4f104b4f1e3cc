package dev.notifier.streams;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.Topics;
import dev.notifier.streams.render.PlainRenderer;
import dev.notifier.streams.route.AccountRouter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code streams:} section of a notifier config file.
 *
 * @param applicationId the Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir where local state lives; a temporary directory when absent
 * @param dedupWindow how long a notification id is remembered, ISO-8601 (e.g. PT24H)
 * @param defaultAccount the system-wide default sender account
 * @param teamAccounts each team's default sender account
 * @param threads stream threads in this instance
 */
public record StreamsSettings(
    @JsonProperty("applicationId") String applicationId,
    @JsonProperty("stateDir") String stateDir,
    @JsonProperty("dedupWindow") Duration dedupWindow,
    @JsonProperty("defaultAccount") String defaultAccount,
    @JsonProperty("teamAccounts") Map<String, String> teamAccounts,
    @JsonProperty("threads") Integer threads) {

  public StreamsSettings {
    applicationId = applicationId == null ? "notifier-streams" : applicationId;
    dedupWindow = dedupWindow == null ? TopologySettings.DEFAULT_DEDUP_WINDOW : dedupWindow;
    if (dedupWindow.isNegative() || dedupWindow.isZero()) {
      throw new IllegalArgumentException("streams.dedupWindow is " + dedupWindow
          + ": it must be positive, e.g. PT24H for 24 hours");
    }
    defaultAccount = defaultAccount == null ? "default" : defaultAccount;
    teamAccounts = teamAccounts == null ? Map.of() : Map.copyOf(teamAccounts);
    threads = threads == null ? 1 : threads;
    if (threads < 1) {
      throw new IllegalArgumentException("streams.threads is " + threads + ": it must be at least 1");
    }
  }

  public static StreamsSettings defaults() {
    return new StreamsSettings(null, null, null, null, null, null);
  }

  public TopologySettings topology(Topics topics) {
    return new TopologySettings(topics, dedupWindow, new PlainRenderer(),
        new AccountRouter(teamAccounts, defaultAccount), Clock.systemUTC());
  }

  public StreamsSettings withApplicationId(String id) {
    return new StreamsSettings(id, stateDir, dedupWindow, defaultAccount, teamAccounts, threads);
  }

  public StreamsSettings withStateDir(String dir) {
    return new StreamsSettings(applicationId, dir, dedupWindow, defaultAccount, teamAccounts, threads);
  }
}
