package dev.notifier.cli;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.management.Management;
import dev.notifier.cli.management.ManagementSettings;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of the long-running roles, {@code notifier streams} and {@code notifier worker}: the
 * config file, and a management port (and address) for this process that replace the file's
 * {@code management.port} ({@code management.host}) — so one config file serves a streams app and
 * several workers on one host, each process on a port of its own.
 */
final class RoleOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "YAML config file (kafka, accounts, streams, worker, management sections; see config/example.yaml)")
  Path config;

  private Integer managementPort;

  @Option(names = "--management-port", paramLabel = "PORT", description = "serve /metrics, /health/live and "
      + "/health/ready on this port instead of the config's management.port (default " + Management.DEFAULT_PORT
      + "): every process on one host needs a port of its own")
  void managementPort(int port) {
    if (!ManagementSettings.isPort(port)) {
      throw new ParameterException(command.commandLine(), "--management-port " + port + " is not a TCP port: give "
          + "one from 1 to 65535 that no other process on this host listens on");
    }
    managementPort = port;
  }

  @Option(names = "--management-host", paramLabel = "ADDRESS", description = "listen on this address instead of "
      + "the config's management.host (default " + ManagementSettings.DEFAULT_HOST + ", every interface): "
      + "127.0.0.1 keeps the endpoint on this machine")
  String managementHost;

  /** The config file, with this process's management port and address. */
  NotifierConfig load() {
    NotifierConfig file = ConfigFile.load(config);
    ManagementSettings management = file.management();
    if (managementHost != null) {
      management = management.withHost(managementHost);
    }
    if (managementPort != null) {
      management = management.withPort(managementPort);
    }
    return file.withManagement(management);
  }
}
