package dev.notifier.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.notifier.cli.console.ConsoleSettings;
import dev.notifier.cli.management.ManagementSettings;
import dev.notifier.feedback.imap.MailboxSettings;
import dev.notifier.feedback.webhook.WebhookSettings;
import dev.notifier.schemas.admin.TopicLayout;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.config.UnsubscribeSettings;
import dev.notifier.schemas.integrity.IntegritySettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.WorkerSettings;
import dev.notifier.streams.StreamsSettings;
import dev.notifier.streams.route.AccountRoute;
import dev.notifier.streams.route.AccountRouter;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A whole notifier config file: the Kafka cluster, the sender accounts (which the streams app
 * routes to and the workers send through), the streams and worker sections, where the process
 * serves its metrics and health checks (management), and how {@code notifier topics create} lays
 * out new topics (topics), the Kafka principals of each role (acls, for {@code notifier acls}), and the
 * web console's users and workers (console; null when the file has none), the bounce mailbox
 * ({@code bounces}, optional, for {@code notifier bounces}), the provider webhooks ({@code webhooks},
 * optional, for {@code notifier webhooks}), one-click unsubscribe links ({@code unsubscribe}, optional:
 * the workers add them to their mail, {@code notifier webhooks} serves them) and the signing of
 * notifications ({@code integrity}, off by default; see docs/SECURITY.md).
 */
public record NotifierConfig(
    @JsonProperty("kafka") KafkaSettings kafka,
    @JsonProperty("accounts") List<AccountSettings> accounts,
    @JsonProperty("streams") StreamsSettings streams,
    @JsonProperty("worker") WorkerSection worker,
    @JsonProperty("management") ManagementSettings management,
    @JsonProperty("topics") TopicLayout topics,
    @JsonProperty("acls") AclSettings acls,
    @JsonProperty("console") ConsoleSettings console,
    @JsonProperty("bounces") MailboxSettings bounces,
    @JsonProperty("webhooks") WebhookSettings webhooks,
    @JsonProperty("unsubscribe") UnsubscribeSettings unsubscribe,
    @JsonProperty("integrity") IntegritySettings integrity) {

  public NotifierConfig {
    if (kafka == null) {
      throw new IllegalArgumentException("section 'kafka' is missing: add kafka.bootstrapServers");
    }
    if (accounts == null || accounts.isEmpty()) {
      throw new IllegalArgumentException("section 'accounts' is missing or empty: configure at least one sender "
          + "account, one of them with systemDefault: true");
    }
    accounts = List.copyOf(accounts);
    streams = streams == null ? StreamsSettings.defaults() : streams;
    worker = worker == null ? WorkerSection.defaults() : worker;
    management = management == null ? ManagementSettings.defaults() : management;
    topics = topics == null ? TopicLayout.defaults() : topics;
    acls = acls == null ? AclSettings.defaults() : acls;
    if (webhooks != null) {
      // a receiver serving nothing is refused as the file is read, as before the unsubscribe links
      webhooks.requireSomethingToServe(unsubscribe != null);
    }
    integrity = integrity == null ? IntegritySettings.off() : integrity;
  }

  /**
   * The keys the streams app, the workers and replays sign and check notifications with, their secrets read
   * from {@code env} (or their files) now: a missing or short secret stops start-up naming the key and the fix.
   */
  public Keyring keyring(Function<String, String> env) {
    try {
      return integrity.keyring(env);
    } catch (IllegalArgumentException e) {
      throw new ConfigFile.ConfigException(e.getMessage(), e);
    }
  }

  /** This config with another management section (a command-line override). */
  public NotifierConfig withManagement(ManagementSettings management) {
    return new NotifierConfig(kafka, accounts, streams, worker, management, topics, acls, console, bounces, webhooks,
        unsubscribe, integrity);
  }

  /** The worker's settings: its section plus the accounts. */
  public WorkerSettings workerSettings() {
    return new WorkerSettings(worker.groupId(), worker.workerId(), worker.pollTimeout(), accounts,
        worker.drainTimeout(), worker.backlog(), worker.retry() == null ? null : worker.retry().policy(),
        worker.breaker());
  }

  /** Routing by team over the enabled accounts; fails when the defaults are ambiguous or disabled. */
  public AccountRouter router() {
    return AccountRouter.of(accounts.stream()
        .map(a -> new AccountRoute(a.id(), a.teams(), a.systemDefault(), a.isEnabled()))
        .collect(Collectors.toList()));
  }
}
