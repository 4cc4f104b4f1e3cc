package dev.notifier.cli.management;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The management port (and address) of one long-running process — {@code streams}, {@code worker},
 * {@code bounces}, {@code webhooks} — replacing the config file's {@code management.port}
 * ({@code management.host}), so one config file serves several processes on one host, each on a
 * port of its own.
 */
public final class ManagementOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

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

  /** {@code file}'s settings with this process's port and address where the command line gives them. */
  public ManagementSettings apply(ManagementSettings file) {
    ManagementSettings management = file;
    if (managementHost != null) {
      management = management.withHost(managementHost);
    }
    if (managementPort != null) {
      management = management.withPort(managementPort);
    }
    return management;
  }
}
