package dev.notifier.cli.console;

import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.schemas.KafkaSchemaStore;
import dev.notifier.schemas.Topics;
import dev.notifier.schemas.registry.RegistryOutputs;
import dev.notifier.sender.config.AccountSettings;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code notifier console}: the web console for analysts and SREs (README "Console"). */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = {"Serve the web console: dead letters with facets and replay, one notification's story, the "
        + "invalid events and their republication, ledger search, the accounts live, the backlog. Users and workers "
        + "come from the config's console section.",
        "--hash-password reads a password from the terminal (or standard input) and prints the hash to put in "
            + "console.users[].passwordHash."})
public final class ConsoleCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "the notifier config file (kafka, accounts, console)")
  Path config;

  @Option(names = "--port", paramLabel = "N", description = "listen on this port (default: console.port, else 9480)")
  Integer port;

  @Option(names = "--hash-password", description = "print the hash of a password for console.users and exit")
  boolean hashPassword;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (hashPassword) {
      out.println(Passwords.hash(readPassword()));
      out.flush();
      return 0;
    }
    if (config == null) {
      spec.commandLine().getErr().println("notifier: console needs --config FILE (its console section names the "
          + "users and workers)");
      return 2;
    }
    NotifierConfig file = ConfigFile.load(config);
    ConsoleSettings settings = file.console();
    if (settings == null) {
      spec.commandLine().getErr().println("notifier: " + config + " has no console section: add console.users "
          + "(name, passwordHash from `notifier console --hash-password`, role viewer|replayer) and console.workers");
      return 2;
    }
    if (port != null) {
      settings = new ConsoleSettings(settings.host(), port, settings.users(), settings.trustedUserHeader(),
          settings.proxyReplayers(), settings.workers());
    }
    Map<String, String> from = file.accounts().stream()
        .collect(Collectors.toMap(AccountSettings::id, a -> a.from() == null ? "" : a.from(), (a, b) -> a));
    // a newer release's records are read with the schema its writer published to the schema topic; with a schema
    // registry configured the status and dead-letter topics may hold its wire format: read both, and write a
    // replay's statuses as streams.schemaRegistry.outputs says
    KafkaSchemaStore newer = KafkaSchemaStore.of(file.kafka());
    Topics topics = RegistryOutputs.writingIfConfigured(file.kafka().topics().readingNewer(newer),
        file.streams().schemaRegistry());
    try (newer; ConsoleServer console = ConsoleServer.start(settings, file.kafka(), topics, from::get, Clock.systemUTC(),
        // replays from the console are signed like the CLI's; without the keys the console does not start
        file.keyring(System::getenv))) {
      console.groups(file.streams().applicationId(), file.workerSettings().groupId());
      out.println("notifier console: http://" + settings.host() + ":" + console.port() + "/ (Ctrl-C to stop)");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "notifier-console-stop"));
      stop.await();
    }
    return 0;
  }

  private static char[] readPassword() throws Exception {
    Console terminal = System.console();
    if (terminal != null) {
      return terminal.readPassword("password: ");
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return line == null ? new char[0] : line.toCharArray();
  }
}
