package dev.notifier.cli.schemas;

import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.schemas.registry.RegistrySettings;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which schema registry a command talks to: the config file's {@code streams.schemaRegistry} (the
 * same settings, credentials and TLS trust as the streams app), with {@code --registry} replacing its
 * URLs; or {@code --registry} alone, without credentials.
 */
public final class RegistryOptions {

  @Option(names = "--registry", paramLabel = "URL", split = ",",
      description = "schema registry URL(s), e.g. http://registry:8081 (replace the config's "
          + "streams.schemaRegistry.urls; its credentials and TLS trust still apply)")
  List<String> urls;

  /** The registry settings, from {@code file} (null: none) and the command line. */
  public RegistrySettings settings(NotifierConfig file) {
    RegistrySettings configured = file == null ? null : file.streams().schemaRegistry();
    if (urls == null && configured == null) {
      throw new IllegalArgumentException("no schema registry given: pass --registry URL (e.g. "
          + "--registry http://registry:8081), or --config FILE whose streams.schemaRegistry names one");
    }
    if (configured == null) {
      return new RegistrySettings(urls, null, null, null, null, null, null, null, null, null, null, null);
    }
    return urls == null ? configured : configured.withUrls(urls);
  }
}
