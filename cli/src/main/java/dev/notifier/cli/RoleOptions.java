package dev.notifier.cli;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.management.ManagementOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the long-running roles, {@code notifier streams} and {@code notifier worker}: the
 * config file, and a management port (and address) for this process that replace the file's
 * {@code management.port} ({@code management.host}) — so one config file serves a streams app and
 * several workers on one host, each process on a port of its own.
 */
final class RoleOptions {

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "YAML config file (kafka, accounts, streams, worker, management sections; see config/example.yaml)")
  Path config;

  @Mixin
  ManagementOptions management;

  /** The config file, with this process's management port and address. */
  NotifierConfig load() {
    NotifierConfig file = ConfigFile.load(config);
    return file.withManagement(management.apply(file.management()));
  }
}
