package dev.notifier.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.schemas.admin.AclCatalogue;
import java.util.List;

/**
 * The {@code acls:} section: the Kafka principals of each role, as the cluster's authenticator names
 * them ({@code User:NAME}: the SASL user name, or the TLS certificate's distinguished name as the
 * broker's {@code ssl.principal.mapping.rules} map it). A role left out gets one principal named after
 * it ({@code User:notifier-worker}, ...); an empty list grants that role nothing.
 */
public record AclSettings(
    @JsonProperty("producers") List<String> producers,
    @JsonProperty("directory") List<String> directory,
    @JsonProperty("streams") List<String> streams,
    @JsonProperty("workers") List<String> workers,
    @JsonProperty("analysts") List<String> analysts,
    @JsonProperty("replayers") List<String> replayers,
    @JsonProperty("sres") List<String> sres) {

  public AclSettings {
    producers = principals("producers", producers, "notifier-producer");
    directory = principals("directory", directory, "notifier-directory");
    streams = principals("streams", streams, "notifier-streams");
    workers = principals("workers", workers, "notifier-worker");
    analysts = principals("analysts", analysts, "notifier-analyst");
    replayers = principals("replayers", replayers, "notifier-replayer");
    sres = principals("sres", sres, "notifier-sre");
  }

  public static AclSettings defaults() {
    return new AclSettings(null, null, null, null, null, null, null);
  }

  public AclCatalogue.Principals principals() {
    return new AclCatalogue.Principals(producers, directory, streams, workers, analysts, replayers, sres);
  }

  private static List<String> principals(String role, List<String> given, String defaultName) {
    if (given == null) {
      return List.of("User:" + defaultName);
    }
    for (String p : given) {
      if (p == null || !p.matches("[A-Za-z]+:.+")) {
        throw new IllegalArgumentException("acls." + role + " has '" + p + "': a principal is TYPE:NAME as the "
            + "cluster names it, e.g. User:" + defaultName);
      }
    }
    return List.copyOf(given);
  }
}
