package dev.notifier.cli.ops;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.config.KafkaSettings;
import dev.notifier.schemas.integrity.Keyring;
import dev.notifier.schemas.registry.RegistryOutputs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the operator tools find the cluster: {@code --bootstrap-server}, or the {@code kafka}
 * section of {@code --config} (security settings and topic prefix included), or both — the
 * command-line servers then replace the file's and everything else of the file still applies.
 */
public final class KafkaOptions {

  @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (overrides the config file's)")
  String bootstrap;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config file whose kafka section (security settings, topic prefix) is used")
  Path config;

  private KafkaSchemaStore newerSchemas;

  /** The cluster settings the options describe. */
  public KafkaSettings settings() {
    if (config == null && bootstrap == null) {
      throw new OpsException("no Kafka cluster given: pass --bootstrap-server HOST:PORT or --config FILE");
    }
    if (config == null) {
      return KafkaSettings.of(bootstrap);
    }
    KafkaSettings file = configFile().kafka();
    return bootstrap == null ? file : new KafkaSettings(bootstrap, file.topicPrefix(), file.properties());
  }

  /**
   * The topic catalogue of {@link #settings()}; when the config file names a schema registry
   * ({@code streams.schemaRegistry}), the send, status and dead-letter topics read its wire format too.
   */
  public Topics topics() {
    NotifierConfig file = configFile();
    return RegistryOutputs.readingIfConfigured(newerReadable(), file == null ? null : file.streams().schemaRegistry());
  }

  /**
   * As {@link #topics()}, for a command that writes notifications and statuses (a replay): the send
   * and status topics written as the config's {@code streams.schemaRegistry.outputs} says, the schemas'
   * ids settled now.
   */
  public Topics writingTopics() {
    NotifierConfig file = configFile();
    return RegistryOutputs.writingIfConfigured(newerReadable(), file == null ? null : file.streams().schemaRegistry());
  }

  /**
   * The catalogue of {@link #settings()}, reading records of a newer release too (their schemas looked up in
   * the schema topic, where every writer publishes them): an operator tool of this release still lists a
   * suppression, a status or a dead letter that a newer one wrote. One store per command, read only when
   * such a record turns up.
   */
  private synchronized Topics newerReadable() {
    KafkaSettings settings = settings();
    if (newerSchemas == null) {
      newerSchemas = KafkaSchemaStore.of(settings);
    }
    return settings.topics().readingNewer(newerSchemas);
  }

  /**
   * The keys a command that writes the send topic (a replay) signs with: the config's {@code integrity} section,
   * off without {@code --config}. With integrity on and a key's secret not available to this user, the command
   * stops before it reads anything: what it wrote would be refused by workers that require signatures.
   */
  public Keyring integrity(String command) {
    NotifierConfig file = configFile();
    if (file == null) {
      return Keyring.off();
    }
    try {
      return file.keyring(System::getenv);
    } catch (RuntimeException e) {
      throw new OpsException(command + " cannot sign what it writes (" + e.getMessage() + "). The config's "
          + "integrity.mode is " + file.integrity().mode().name().toLowerCase(java.util.Locale.ROOT) + ": workers "
          + "that require signatures would refuse every replayed notification as a POLICY dead letter. Run it where "
          + "the integrity keys are available (the same secretEnv or secretFile the workers have)", e);
    }
  }

  /** The whole file given with {@code --config}; null without one. */
  public NotifierConfig configFile() {
    return config == null ? null : ConfigFile.load(config);
  }
}
